import { GitHubOidcError, KeysUnavailableError } from './errors.js'

/**
 * The one mapping from a verification failure to an HTTP answer (DESIGN §3.4, RFC 6750 §3).
 * Every adapter calls this; none formats a challenge of its own.
 */
export interface HttpErrorResponse {
  readonly status: number
  /** `WWW-Authenticate` for 400/401/403, `Retry-After` for 503. */
  readonly headers: Readonly<Record<string, string>>
  /** JSON body. A 403 never reveals the policy; nothing here ever contains the token. */
  readonly body: { readonly error: string; readonly error_description: string }
}

export interface HttpErrorOptions {
  /** The `realm` of the `WWW-Authenticate` challenge. Default `'github-oidc'`. */
  readonly realm?: string
}

export const DEFAULT_REALM = 'github-oidc'

/**
 * Maps any error thrown by `verify` or `authenticate` to status, headers and body. Errors that
 * are not a `GitHubOidcError` are bugs, not verdicts: they map to a bare 500 with nothing of the
 * error in it.
 */
export function toHttpError(error: unknown, options: HttpErrorOptions = {}): HttpErrorResponse {
  const realm = `realm="${quotable(options.realm ?? DEFAULT_REALM)}"`
  if (!(error instanceof GitHubOidcError)) {
    return { status: 500, headers: {}, body: { error: 'server_error', error_description: 'internal error' } }
  }
  switch (error.code) {
    case 'ERR_TOKEN_MISSING':
      return answer(401, { 'www-authenticate': `Bearer ${realm}` }, 'unauthorized', error.message)
    case 'ERR_REQUEST_INVALID':
      return answer(
        400,
        { 'www-authenticate': `Bearer ${realm}, error="invalid_request"` },
        'invalid_request',
        error.message,
      )
    case 'ERR_POLICY_DENIED':
      return answer(
        403,
        { 'www-authenticate': `Bearer ${realm}, error="insufficient_scope"` },
        'insufficient_scope',
        'the token is valid but this caller is not allowed',
      )
    case 'ERR_KEYS_UNAVAILABLE': {
      const retryAfter = error instanceof KeysUnavailableError ? error.retryAfter : 30
      return answer(
        503,
        { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) },
        'temporarily_unavailable',
        'the signing keys could not be fetched; retry later',
      )
    }
    default: {
      const description = quotable(error.message)
      return answer(
        401,
        { 'www-authenticate': `Bearer ${realm}, error="invalid_token", error_description="${description}"` },
        'invalid_token',
        error.message,
      )
    }
  }
}

function answer(
  status: number,
  headers: Record<string, string>,
  error: string,
  description: string,
): HttpErrorResponse {
  return { status, headers, body: { error, error_description: description } }
}

/**
 * RFC 6750 §3 limits `error_description` to %x20-21 / %x23-5B / %x5D-7E: no quote, no backslash,
 * no control characters, so nothing a message carries can break or inject a header.
 */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'").slice(0, 200)
}
