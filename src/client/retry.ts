/**
 * When to try again. Exponential backoff with full jitter (a uniformly random wait below the
 * exponential cap) spreads the retries of many jobs that failed together, so a recovering token
 * endpoint is not hit in lockstep: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

const BASE_DELAY = 1000
const MAX_DELAY = 8000

/** Whether an answer with this status may succeed when asked again (RFC 9110 §15.5.9, RFC 6585 §4, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

/** Milliseconds to wait before attempt `attempt + 1`, never less than what `Retry-After` asked for. */
export function backoffDelay(attempt: number, random: () => number, retryAfter?: number): number {
  const jitter = Math.floor(Math.min(1, Math.max(0, random())) * Math.min(MAX_DELAY, BASE_DELAY * 2 ** (attempt - 1)))
  return Math.max(jitter, retryAfter ?? 0)
}

/** `Retry-After` (RFC 9110 §10.2.3) in milliseconds: delay-seconds or an HTTP-date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
