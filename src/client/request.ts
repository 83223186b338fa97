import { ActionsTokenError, type ActionsTokenErrorCode } from './errors.js'
import { isCompactJwt } from './jwt.js'
import type { ResolvedClientOptions } from './options.js'
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry.js'

/** A token answer is about 1–3 KiB of JSON; a larger body is not one. */
const MAX_BODY = 64 * 1024

interface Failure {
  readonly code: Exclude<ActionsTokenErrorCode, 'ERR_ACTIONS_ENV_MISSING' | 'ERR_ACTIONS_ENV_INVALID'>
  readonly reason: string
  readonly retry: boolean
  readonly status?: number
  readonly cause?: unknown
  readonly retryAfter?: number
}

type Outcome = { readonly token: string } | { readonly failure: Failure }

/**
 * Asks the runner's token endpoint for an ID token (the protocol of `@actions/core` `getIDToken`),
 * retrying transient failures within `retries` and `maxTotalTime`.
 */
export async function requestToken(url: URL, requestToken: string, options: ResolvedClientOptions): Promise<string> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const start = options.now()
  for (let attempt = 1; ; attempt++) {
    const remaining = options.maxTotalTime - (options.now() - start)
    const outcome = await attemptOnce(
      fetchImpl,
      url,
      requestToken,
      Math.max(1, Math.min(options.timeout, remaining)),
      options.now,
    )
    if ('token' in outcome) return outcome.token
    const { failure } = outcome
    const delay = backoffDelay(attempt, options.random, failure.retryAfter)
    const exhausted = !failure.retry || attempt > options.retries
    if (exhausted || options.now() - start + delay >= options.maxTotalTime) {
      const why = exhausted
        ? failure.reason
        : `${failure.reason}; no time left to retry within ${options.maxTotalTime} ms`
      throw new ActionsTokenError(failure.code, `could not get an OIDC ID token after ${attempt} attempt(s): ${why}`, {
        status: failure.status,
        cause: failure.cause,
        attempts: attempt,
      })
    }
    await options.sleep(delay)
  }
}

async function attemptOnce(
  fetchImpl: typeof fetch,
  url: URL,
  requestToken: string,
  timeout: number,
  now: () => number,
): Promise<Outcome> {
  const signal = AbortSignal.timeout(timeout)
  let response: Response
  let body: string | undefined
  try {
    response = await withDeadline(
      fetchImpl(url, {
        method: 'GET',
        headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
        // A redirect would carry the request token elsewhere; the runner's endpoint never redirects.
        redirect: 'manual',
        signal,
      }),
      signal,
    )
    if (response.status < 200 || response.status > 299) {
      const text = await withDeadline(readCapped(response), signal).catch(() => undefined)
      return failStatus(response, text, now())
    }
    body = await withDeadline(readCapped(response), signal)
  } catch (cause) {
    const reason = signal.aborted ? `timed out after ${timeout} ms` : 'the token endpoint could not be reached'
    return fail('ERR_ACTIONS_TOKEN_REQUEST', reason, true, { cause })
  }
  const { status } = response
  if (body === undefined)
    return fail('ERR_ACTIONS_TOKEN_RESPONSE', `the answer is over ${MAX_BODY} bytes`, true, { status })
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (cause) {
    return fail('ERR_ACTIONS_TOKEN_RESPONSE', 'the answer is not JSON', true, { status, cause })
  }
  const value = typeof json === 'object' && json !== null ? (json as { value?: unknown }).value : undefined
  if (!isCompactJwt(value)) {
    return fail('ERR_ACTIONS_TOKEN_RESPONSE', 'the answer has no `value` holding a JWT', true, { status })
  }
  return { token: value }
}

function failStatus(response: Response, body: string | undefined, now: number): Outcome {
  const { status } = response
  const cause = new Error(`HTTP ${status} ${response.statusText}${body ? `: ${redact(body).slice(0, 300)}` : ''}`)
  if (isRetryableStatus(status)) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now)
    return fail('ERR_ACTIONS_TOKEN_REQUEST', `the token endpoint answered ${status}`, true, {
      status,
      cause,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    })
  }
  const hint =
    status >= 300 && status < 400
      ? ' (a redirect, not followed: it would send the request token elsewhere)'
      : status === 401 || status === 403
        ? ' (ACTIONS_ID_TOKEN_REQUEST_TOKEN was refused; it is valid only in the job that received it)'
        : ''
  return fail('ERR_ACTIONS_TOKEN_REQUEST', `the token endpoint answered ${status}${hint}`, false, { status, cause })
}

function fail(
  code: Failure['code'],
  reason: string,
  retry: boolean,
  details: Omit<Failure, 'code' | 'reason' | 'retry'>,
): Outcome {
  return { failure: { code, reason, retry, ...details } }
}

/** The body as text, or `undefined` when it exceeds `MAX_BODY` (reading stops there). */
async function readCapped(response: Response): Promise<string | undefined> {
  if (response.body === null) return ''
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > MAX_BODY) return undefined
    text += decoder.decode(chunk, { stream: true })
  }
  return text + decoder.decode()
}

/** Rejects when `signal` aborts even if an injected `fetch` ignores it. */
function withDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Error bodies are kept for debugging, minus anything shaped like a JWT. */
function redact(text: string): string {
  return text.replace(/[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted]')
}
