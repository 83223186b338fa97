import { RequestInvalidError, TokenInvalidError, TokenMissingError } from './errors.js'
import { MAX_TOKEN_LENGTH } from './jws.js'

/** What `authenticate` accepts: a Request, its Headers, the header value, or all its values. */
export type AuthorizationInput = Request | Headers | string | readonly string[] | null | undefined

// RFC 6750 §2.1: `Bearer` (case-insensitive, RFC 7235 §2.1) 1*SP b64token. Tabs are tolerated.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?:[ \t]|$)/

/**
 * The only `Authorization` header parser (DESIGN §3.2 rule 1). Returns the bearer token.
 *
 * - no header, an empty one, or another scheme (`Basic …`) → `TokenMissingError` (401, bare challenge);
 * - several headers (a list of values, or values joined with `,` by `Headers`), `Bearer` without a
 *   token, two tokens, or characters outside RFC 6750's b64token → `RequestInvalidError` (400);
 * - a header over 16 KiB → `TokenInvalidError` (401), before any pattern is run on it.
 * Never reads a token from a query string or a cookie.
 */
export function readBearerToken(input: AuthorizationInput): string {
  const header = headerValue(input)
  if (header === undefined || header.trim() === '') throw new TokenMissingError()
  if (header.length > MAX_TOKEN_LENGTH + 64) {
    throw new TokenInvalidError('ERR_TOKEN_MALFORMED', `token is larger than ${MAX_TOKEN_LENGTH} bytes`)
  }
  const value = header.trim()
  const match = BEARER.exec(value)
  if (match?.[1] !== undefined) return match[1]
  if (value.includes(',')) throw new RequestInvalidError('several Authorization headers or credentials')
  const scheme = SCHEME.exec(value)?.[1]
  if (scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
    throw new TokenMissingError('no bearer token: the Authorization header uses another scheme')
  }
  if (/^bearer$/i.test(value))
    throw new RequestInvalidError('the Authorization header has the Bearer scheme but no token')
  throw new RequestInvalidError('the Authorization header is not "Bearer <token>" with exactly one token')
}

function headerValue(input: AuthorizationInput): string | undefined {
  if (input === null || input === undefined) return undefined
  if (typeof input === 'string') return input
  if (isStringList(input)) {
    if (input.length > 1) throw new RequestInvalidError('several Authorization headers')
    return input[0]
  }
  // Duck-typed: frameworks bring their own Headers and Request classes (undici, Next.js, workerd).
  const headers = 'get' in input && typeof input.get === 'function' ? input : (input as Request).headers
  return (headers as Headers).get('authorization') ?? undefined
}

function isStringList(input: unknown): input is readonly string[] {
  return Array.isArray(input)
}
