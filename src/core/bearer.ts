import { RequestInvalidError, TokenInvalidError, TokenMissingError } from './errors.js'
import { MAX_TOKEN_LENGTH } from './jws.js'

/** What `authenticate` accepts: a Request, its Headers, the header value, or all its values. */
export type AuthorizationInput = Request | Headers | string | readonly string[] | null | undefined

// A scheme is an RFC 7230 token (RFC 7235 §2.1).
const SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * The only `Authorization` header parser (DESIGN §3.2 rule 1). Returns the bearer token.
 *
 * - no header, an empty one, or another scheme (`Basic …`) → `TokenMissingError` (401, bare challenge);
 * - several headers (a list of values, or values joined with `,` by `Headers`), `Bearer` without a
 *   token, or two tokens → `RequestInvalidError` (400, RFC 6750 §3.1 invalid_request);
 * - a header over 16 KiB → `TokenInvalidError` (401), before anything else is done with it.
 * The scheme is case-insensitive and separated from the token by spaces or tabs. The token's
 * characters are checked by `parseToken` (canonical base64url segments; anything else is a
 * malformed token, 401 invalid_token), so a repeated token is not scanned twice.
 * Never reads a token from a query string or a cookie.
 */
export function readBearerToken(input: AuthorizationInput): string {
  const header = headerValue(input)
  if (header === undefined) throw new TokenMissingError()
  if (header.length > MAX_TOKEN_LENGTH + 64) {
    throw new TokenInvalidError('ERR_TOKEN_MALFORMED', `token is larger than ${MAX_TOKEN_LENGTH} bytes`)
  }
  const value = isBlank(header.charCodeAt(0)) || isBlank(header.charCodeAt(header.length - 1)) ? header.trim() : header
  if (value === '') throw new TokenMissingError()
  if (value.includes(',')) throw new RequestInvalidError('several Authorization headers or credentials')
  const end = schemeEnd(value)
  const scheme = value.slice(0, end)
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') {
    if (SCHEME.test(scheme))
      throw new TokenMissingError('no bearer token: the Authorization header uses another scheme')
    throw new RequestInvalidError('the Authorization header is not "Bearer <token>"')
  }
  let start = end
  while (isBlank(value.charCodeAt(start))) start++
  if (start === end || start === value.length) {
    throw new RequestInvalidError('the Authorization header has the Bearer scheme but no token')
  }
  const token = value.slice(start)
  if (token.includes(' ') || token.includes('\t')) {
    throw new RequestInvalidError('the Authorization header is not "Bearer <token>" with exactly one token')
  }
  return token
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9
}

function schemeEnd(value: string): number {
  const space = value.indexOf(' ')
  const tab = value.indexOf('\t')
  if (space < 0) return tab < 0 ? value.length : tab
  return tab < 0 ? space : Math.min(space, tab)
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
