/**
 * Every failure the verifier reports is a `GitHubOidcError` with a stable `code` and the HTTP
 * `status` of DESIGN §3.4. Messages never contain a token; details for logs go in `cause`.
 *
 * The subclasses follow the decisions a caller makes: "no or unusable credentials" (401/400),
 * "valid caller, not allowed" (403) and "we cannot check right now" (503).
 */

export type GitHubOidcErrorCode =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_REQUEST_INVALID'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_CLAIMS'
  | 'ERR_POLICY_DENIED'
  | 'ERR_KEYS_UNAVAILABLE'

/** Structured details of a failure, for logs. Never holds the token itself. */
export interface GitHubOidcErrorDetails {
  /** The claim or header parameter that failed the check, when there is one. */
  readonly claim?: string
  /** What the token carried (a claim value, never the token). */
  readonly actual?: unknown
  /** What the verifier expected. */
  readonly expected?: unknown
  /** Seconds past `exp` (expired) or before `nbf`/`iat` (not yet valid). */
  readonly seconds?: number
  /** Why the policy denied the caller (for logs; never sent to the caller). */
  readonly reason?: string
  /** The underlying error (network failure, JSON syntax error, …). */
  readonly error?: unknown
}

export interface GitHubOidcErrorOptions {
  readonly cause?: GitHubOidcErrorDetails
}

export class GitHubOidcError extends Error {
  override readonly name: string = 'GitHubOidcError'
  readonly code: GitHubOidcErrorCode
  /** HTTP status an adapter answers with (DESIGN §3.4). */
  readonly status: number
  declare readonly cause?: GitHubOidcErrorDetails

  constructor(code: GitHubOidcErrorCode, status: number, message: string, options?: GitHubOidcErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = status
  }
}

/** No credentials were presented (401, bare challenge per RFC 6750 §3.1). */
export class TokenMissingError extends GitHubOidcError {
  override readonly name = 'TokenMissingError'
  constructor(message = 'no bearer token in the Authorization header', options?: GitHubOidcErrorOptions) {
    super('ERR_TOKEN_MISSING', 401, message, options)
  }
}

/** The request carries credentials in a form that cannot be a bearer token (400 invalid_request). */
export class RequestInvalidError extends GitHubOidcError {
  override readonly name = 'RequestInvalidError'
  constructor(message: string, options?: GitHubOidcErrorOptions) {
    super('ERR_REQUEST_INVALID', 400, message, options)
  }
}

export type TokenInvalidCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_CLAIMS'

/** The token was presented but is not a valid GitHub Actions ID token for this server (401 invalid_token). */
export class TokenInvalidError extends GitHubOidcError {
  override readonly name = 'TokenInvalidError'
  declare readonly code: TokenInvalidCode
  constructor(code: TokenInvalidCode, message: string, options?: GitHubOidcErrorOptions) {
    super(code, 401, message, options)
  }
}

/** The token is valid, but the policy does not allow this caller (403 insufficient_scope). */
export class PolicyDeniedError extends GitHubOidcError {
  override readonly name = 'PolicyDeniedError'
  constructor(
    message = 'the token is valid but the policy does not allow this caller',
    options?: GitHubOidcErrorOptions,
  ) {
    super('ERR_POLICY_DENIED', 403, message, options)
  }
}

/** No usable signing key could be obtained, so nothing can be verified right now (503). */
export class KeysUnavailableError extends GitHubOidcError {
  override readonly name = 'KeysUnavailableError'
  /** Seconds after which a retry may succeed (sent as `Retry-After`). */
  readonly retryAfter: number
  constructor(message: string, options?: GitHubOidcErrorOptions & { readonly retryAfter?: number }) {
    super('ERR_KEYS_UNAVAILABLE', 503, message, options)
    this.retryAfter = options?.retryAfter ?? 30
  }
}

export function isGitHubOidcError(value: unknown): value is GitHubOidcError {
  return value instanceof GitHubOidcError
}
