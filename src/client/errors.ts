/**
 * The one error the client rejects with. `code` is stable; `status` is the token endpoint's HTTP
 * status when there was an answer; `cause` is the underlying failure (network error, timeout,
 * JSON syntax error, …). Neither the message nor the cause ever holds a token.
 */

export type ActionsTokenErrorCode =
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN` are not set: no `id-token: write`, a fork, or not in Actions. */
  | 'ERR_ACTIONS_ENV_MISSING'
  /** The environment is set but unusable (a URL that is not a URL, a `GITHUB_OIDC_TOKEN` that is not a JWT). */
  | 'ERR_ACTIONS_ENV_INVALID'
  /** The token endpoint could not be reached or answered with an error status. */
  | 'ERR_ACTIONS_TOKEN_REQUEST'
  /** The token endpoint answered 2xx with a body that holds no usable token. */
  | 'ERR_ACTIONS_TOKEN_RESPONSE'

export interface ActionsTokenErrorOptions {
  readonly cause?: unknown
  readonly status?: number | undefined
  readonly attempts?: number
}

export class ActionsTokenError extends Error {
  override readonly name = 'ActionsTokenError'
  readonly code: ActionsTokenErrorCode
  /** HTTP status of the last answer from the token endpoint; absent when none arrived. */
  readonly status?: number
  /** Requests made before giving up (0 when none could be made). */
  readonly attempts: number

  constructor(code: ActionsTokenErrorCode, message: string, options: ActionsTokenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    if (options.status !== undefined) this.status = options.status
    this.attempts = options.attempts ?? 0
  }
}

export function isActionsTokenError(value: unknown): value is ActionsTokenError {
  return value instanceof ActionsTokenError
}
