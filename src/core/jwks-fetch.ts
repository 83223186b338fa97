/**
 * The one HTTP request the verifier makes: a bounded GET of a JSON document (discovery or JWKS).
 *
 * Every bound holds even when an injected `fetch` ignores the abort signal: the whole request,
 * body included, races the timeout, and whatever is still open when it ends is aborted and
 * cancelled so no socket or timer lingers (DESIGN §3.3).
 */

/** Responses larger than this are refused: GitHub's key set is about 3 KiB. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024

export interface FetchedDocument {
  /** The parsed JSON object. */
  readonly body: Record<string, unknown>
  /** The response's `Cache-Control: max-age` in seconds, when it has one. */
  readonly maxAge: number | undefined
}

export interface FetchDocumentOptions {
  readonly fetch: typeof fetch
  /** Milliseconds for the whole exchange, headers and body. */
  readonly timeout: number
}

/** Why a discovery or JWKS request failed; the message names the URL (from configuration or discovery). */
export class DocumentFetchError extends Error {
  override readonly name = 'DocumentFetchError'
}

/** The issuer's `jwks_uri` from its discovery document, which must name exactly this issuer. */
export async function discoverJwksUri(issuer: string, options: FetchDocumentOptions): Promise<string> {
  const { body } = await fetchDocument(`${issuer}/.well-known/openid-configuration`, options)
  if (body.issuer !== issuer) throw new DocumentFetchError(`${issuer}: the discovery document names another issuer`)
  const jwksUri = typeof body.jwks_uri === 'string' ? body.jwks_uri : ''
  if (!isAllowedJwksUri(issuer, jwksUri)) {
    throw new DocumentFetchError(
      `${issuer}: jwks_uri must be https: on the issuer's host (its origin for a loopback issuer)`,
    )
  }
  return jwksUri
}

/** DESIGN §3.2 rule 4: `https:` on the issuer's host; an `http:` loopback issuer (the testing kit) only its own origin. */
export function isAllowedJwksUri(issuer: string, jwksUri: string): boolean {
  let url: URL
  let base: URL
  try {
    url = new URL(jwksUri)
    base = new URL(issuer)
  } catch {
    return false
  }
  if (url.username !== '' || url.password !== '') return false
  if (base.protocol === 'http:') return url.origin === base.origin
  return url.protocol === 'https:' && url.host === base.host
}

export async function fetchDocument(url: string, options: FetchDocumentOptions): Promise<FetchedDocument> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DocumentFetchError(`${url}: no complete answer within ${options.timeout} ms`)
      controller.abort(reason)
      reject(reason)
    }, options.timeout)
    // A pending key fetch must not keep a process (or a test runner) alive.
    if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
  })
  try {
    return await Promise.race([request(url, options.fetch, controller.signal), timedOut])
  } finally {
    clearTimeout(timer)
    // Releases the connection of a response whose body was refused or never read; a no-op otherwise.
    controller.abort()
  }
}

async function request(url: string, fetchImpl: typeof fetch, signal: AbortSignal): Promise<FetchedDocument> {
  let response: Response
  try {
    response = await fetchImpl(url, {
      method: 'GET',
      // A 3xx is a failure: the key set must come from the URL discovery (or configuration) named.
      redirect: 'manual',
      signal,
      headers: { accept: 'application/json, application/jwk-set+json' },
    })
  } catch (error) {
    throw new DocumentFetchError(`${url}: request failed`, { cause: error })
  }
  if (response.status !== 200) {
    await discard(response)
    throw new DocumentFetchError(`${url}: expected status 200, got ${response.status}`)
  }
  const type = response.headers.get('content-type')
  if (type !== null && !isJsonMediaType(type)) {
    await discard(response)
    throw new DocumentFetchError(`${url}: expected a JSON response`)
  }
  const text = await readCapped(url, response)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new DocumentFetchError(`${url}: the response is not JSON`, { cause: error })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DocumentFetchError(`${url}: the response is not a JSON object`)
  }
  return { body: body as Record<string, unknown>, maxAge: parseMaxAge(response.headers.get('cache-control')) }
}

/** `application/json`, `application/jwk-set+json` and other `+json` types, parameters ignored. */
function isJsonMediaType(value: string): boolean {
  const type = value.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)
}

async function readCapped(url: string, response: Response): Promise<string> {
  const tooLarge = () => new DocumentFetchError(`${url}: the response exceeds ${MAX_DOCUMENT_BYTES} bytes`)
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > MAX_DOCUMENT_BYTES) {
    await discard(response)
    throw tooLarge()
  }
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > MAX_DOCUMENT_BYTES) {
        await reader.cancel().catch(() => {})
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof DocumentFetchError) throw error
    throw new DocumentFetchError(`${url}: reading the response failed`, { cause: error })
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    throw new DocumentFetchError(`${url}: the response is not UTF-8`, { cause: error })
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {})
}

/** `max-age` of a Cache-Control header (RFC 9111 §5.2.2.1); `s-maxage` and others are ignored. */
export function parseMaxAge(header: string | null): number | undefined {
  if (header === null) return undefined
  for (const directive of header.split(',')) {
    const match = /^\s*max-age\s*=\s*"?(\d{1,10})"?\s*$/i.exec(directive)
    if (match?.[1] !== undefined) return Number(match[1])
  }
  return undefined
}
