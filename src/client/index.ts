/**
 * `github-oidc/client`: the job side. Gets a GitHub Actions OIDC ID token for an audience, the way
 * `@actions/core` `getIDToken` does, with a cache, retries and log masking (DESIGN §5).
 *
 * What it does not do: verify the token. It only reads `exp` to know when to ask again; the server
 * that receives the token verifies it.
 */

import { TokenCache } from './cache.js'
import { type ActionsFetchOptions, createActionsFetch as createFetch } from './fetch.js'
import { type ClientOptions, resolveClientOptions } from './options.js'

export { ActionsTokenError, type ActionsTokenErrorCode, isActionsTokenError } from './errors.js'
export type { ActionsFetchOptions } from './fetch.js'
export type { ClientOptions, Environment } from './options.js'

/** A token source with its own cache: options validated once, nothing shared with the top-level functions. */
export interface ActionsTokenSource {
  /** The ID token for `audience`, from the cache while it has more than 60 s left. */
  getToken(audience: string): Promise<string>
  /** `{ Authorization: 'Bearer <token>' }` for `audience`. */
  getHeader(audience: string): Promise<{ Authorization: string }>
  /** A `fetch` that sends the token for `audience` (see `createActionsFetch`). */
  createFetch(options: Pick<ActionsFetchOptions, 'audience'>): typeof fetch
  /** Forgets every cached token; requests in flight still settle but are not cached. */
  clear(): void
}

const defaultCache = new TokenCache()

/**
 * The ID token for `audience`. Reads the environment at each call; cached per audience and job until
 * 60 s before `exp`; concurrent calls share one request. Rejects with an `ActionsTokenError`, or a
 * `TypeError` for an empty audience or a bad option.
 */
export async function getActionsToken(audience: string, options?: ClientOptions): Promise<string> {
  return defaultCache.get(audience, resolveClientOptions(options))
}

/** `{ Authorization: 'Bearer <token>' }`, ready for any HTTP client: `fetch(url, { headers: await getActionsHeader(aud) })`. */
export async function getActionsHeader(audience: string, options?: ClientOptions): Promise<{ Authorization: string }> {
  return { Authorization: `Bearer ${await getActionsToken(audience, options)}` }
}

/**
 * A `fetch` that adds `Authorization: Bearer <token>` and, on a 401, retries once with a fresh token
 * when the body can be sent again. Options are validated here; the token comes from the shared cache.
 */
export function createActionsFetch(options: ActionsFetchOptions): typeof fetch {
  return createFetch(options, defaultCache)
}

/** A token source owning its cache, for long-running processes that want isolation, and for tests. */
export function createActionsTokenSource(options?: ClientOptions): ActionsTokenSource {
  const resolved = resolveClientOptions(options)
  const cache = new TokenCache()
  return Object.freeze({
    getToken: (audience: string) => cache.get(audience, resolved),
    getHeader: async (audience: string) => ({ Authorization: `Bearer ${await cache.get(audience, resolved)}` }),
    createFetch: (fetchOptions: Pick<ActionsFetchOptions, 'audience'>) =>
      createFetch({ ...options, audience: fetchOptions.audience }, cache),
    clear: () => cache.clear(),
  })
}

/** Forgets every token cached by the top-level functions (tests, or after changing the environment). */
export function resetActionsTokenCache(): void {
  defaultCache.clear()
}
