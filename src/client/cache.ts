import { resolveTarget } from './env.js'
import { readExpiry } from './jwt.js'
import type { ResolvedClientOptions } from './options.js'
import { requestToken } from './request.js'

/** A token is used until this long before its `exp`, so it never expires in flight or on a skewed server. */
const REFRESH_MARGIN = 60_000

interface Entry {
  readonly token: string
  readonly refreshAt: number
}

/**
 * Tokens per request URL (which carries the audience) and request token, so two jobs or issuers in
 * one process never share one. Concurrent misses share one request; failures are not kept.
 */
export class TokenCache {
  readonly #tokens = new Map<string, Entry>()
  readonly #inflight = new Map<string, Promise<string>>()
  #generation = 0

  async get(audience: string, options: ResolvedClientOptions): Promise<string> {
    assertAudience(audience)
    const target = resolveTarget(audience, options)
    if (target.kind === 'static') return target.token
    const key = `${target.url.href} ${target.requestToken}`
    const entry = this.#tokens.get(key)
    if (entry !== undefined && options.now() < entry.refreshAt) return entry.token
    const pending = this.#inflight.get(key)
    if (pending !== undefined) return pending
    const generation = this.#generation
    const promise = requestToken(target.url, target.requestToken, options).then((token) => {
      if (options.mask && (options.env ?? process.env).GITHUB_ACTIONS === 'true') {
        // Workflow command syntax: https://docs.github.com/actions/reference/workflow-commands-for-github-actions#masking-a-value-in-a-log
        // A JWT is base64url and dots, so it needs none of the command escapes (%, CR, LF).
        options.write(`::add-mask::${token}\n`)
      }
      if (generation === this.#generation) this.#store(key, token, options.now())
      return token
    })
    this.#inflight.set(key, promise)
    const settle = () => {
      if (this.#inflight.get(key) === promise) this.#inflight.delete(key)
    }
    promise.then(settle, settle)
    return promise
  }

  /** Drops the cached token for `audience` (only if it is still `token`, when given), e.g. after a 401. */
  invalidate(audience: string, options: ResolvedClientOptions, token?: string): void {
    const target = resolveTarget(audience, options)
    if (target.kind === 'static') return
    const key = `${target.url.href} ${target.requestToken}`
    if (token === undefined || this.#tokens.get(key)?.token === token) this.#tokens.delete(key)
  }

  clear(): void {
    this.#generation++
    this.#tokens.clear()
    this.#inflight.clear()
  }

  #store(key: string, token: string, now: number): void {
    for (const [other, entry] of this.#tokens) if (entry.refreshAt <= now) this.#tokens.delete(other)
    const exp = readExpiry(token)
    if (exp !== undefined && exp - REFRESH_MARGIN > now)
      this.#tokens.set(key, { token, refreshAt: exp - REFRESH_MARGIN })
  }
}

export function assertAudience(audience: unknown): asserts audience is string {
  if (typeof audience !== 'string' || audience === '') throw new TypeError('audience: must be a non-empty string')
}
