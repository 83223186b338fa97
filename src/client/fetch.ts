import { assertAudience, type TokenCache } from './cache.js'
import { type ClientOptions, resolveClientOptions } from './options.js'

export interface ActionsFetchOptions extends ClientOptions {
  /** The audience the server expects (`aud`). Required. */
  readonly audience: string
  /** Used for the wrapped requests and the token request. Default: the global `fetch`, looked up at each call. */
  readonly fetch?: typeof fetch
}

/**
 * A `fetch` that sends `Authorization: Bearer <ID token>`, keeping every other header. A request
 * that already has an `Authorization` header is sent as it is.
 *
 * On a 401 answer it drops the cached token, gets a fresh one and sends the request once more, but
 * only when the body can be sent twice: none, a string, `URLSearchParams`, `ArrayBuffer` or a view,
 * `Blob` or `FormData` given in `init.body`. A `ReadableStream` or iterable body, or a `Request`
 * with a body, is read by the first attempt; then the 401 is returned as it is (copying the body up
 * front would buffer every upload for a rare retry).
 */
export function createActionsFetch(options: ActionsFetchOptions, cache: TokenCache): typeof fetch {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: must be an object')
  const { audience } = options
  assertAudience(audience)
  const resolved = resolveClientOptions(options)
  return async (input, init) => {
    const fetchImpl = resolved.fetch ?? globalThis.fetch
    const request = isRequest(input) ? input : undefined
    const headers = new Headers(init?.headers ?? request?.headers)
    if (headers.has('authorization')) return fetchImpl(input, init)
    const send = (token: string) => {
      headers.set('authorization', `Bearer ${token}`)
      return fetchImpl(input, { ...init, headers })
    }
    const token = await cache.get(audience, resolved)
    const response = await send(token)
    if (response.status !== 401) return response
    // Even when this request cannot be replayed, the next one should not carry a refused token.
    cache.invalidate(audience, resolved, token)
    if (!isReplayable(request, init)) return response
    let fresh: string
    try {
      fresh = await cache.get(audience, resolved)
    } catch (error) {
      await response.body?.cancel()
      throw error
    }
    // A token handed in through `token` / GITHUB_OIDC_TOKEN cannot be renewed.
    if (fresh === token) return response
    await response.body?.cancel()
    return send(fresh)
  }
}

function isRequest(input: unknown): input is Request {
  return typeof input === 'object' && input !== null && !(input instanceof URL) && 'headers' in input
}

function isReplayable(request: Request | undefined, init: RequestInit | undefined): boolean {
  const body = init?.body
  if (body === undefined) return request?.body == null
  return (
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof FormData
  )
}
