import { authenticateNow } from '../core/verify.js'
import {
  type AuthorizationInput,
  createVerifier,
  DEFAULT_REALM,
  type GitHubActionsClaims,
  GitHubOidcError,
  type HttpErrorResponse,
  type Policy,
  toHttpError,
  type Verifier,
  type VerifierOptions,
} from '../index.js'

/** Options every adapter adds to the verifier's. `Req` is what the framework calls a request. */
export interface AdapterHooks<Req> {
  /** The `realm` of the `WWW-Authenticate` challenge. Default `'github-oidc'`. */
  readonly realm?: string
  /**
   * Called with every refusal and its full reason (`error.code`, `error.cause`) for logs; the
   * answer itself never reveals a policy. Default none.
   */
  readonly onError?: (error: GitHubOidcError, request: Req) => void
}

/** Reuse one verifier (and its key cache) across routes; `policy` can only make it stricter. */
export interface SharedVerifierOptions {
  readonly verifier: Verifier
  /** A stricter policy for this route, applied with `verifier.withPolicy`. Default none. */
  readonly policy?: Policy
}

/** Adapter options: the verifier's own options (DESIGN §3.1), or a verifier built once and shared. */
export type GitHubOidcOptions<Req = unknown> = (VerifierOptions | SharedVerifierOptions) & AdapterHooks<Req>

export type Outcome =
  | { readonly ok: true; readonly claims: GitHubActionsClaims }
  | { readonly ok: false; readonly error: GitHubOidcError; readonly http: HttpErrorResponse }

export interface AdapterCore<Req> {
  readonly verifier: Verifier
  /**
   * Authenticates the `Authorization` value(s) of a request. A refusal is reported to `onError` and
   * returned with its HTTP answer (DESIGN §3.4); anything else thrown is a bug and is rethrown.
   * The outcome comes back directly, without a promise, when no I/O was needed (a repeated token).
   */
  authenticate(input: AuthorizationInput, request: Req): Outcome | Promise<Outcome>
  /** The same adapter with a stricter policy (per route), sharing keys and caches. */
  withPolicy(policy: Policy): AdapterCore<Req>
}

/** Validates adapter options once, at construction, and builds (or reuses) the verifier. */
export function createAdapterCore<Req>(options: GitHubOidcOptions<Req>): AdapterCore<Req> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options: must be an object with `audience` and `policy`, or a shared `verifier`')
  }
  const { realm = DEFAULT_REALM, onError, ...rest } = options
  if (typeof realm !== 'string' || realm === '') throw new TypeError('options.realm: must be a non-empty string')
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('options.onError: must be a function')
  return build(sharedVerifier(rest) ?? createVerifier(rest as VerifierOptions), realm, onError)
}

function sharedVerifier(options: object): Verifier | undefined {
  if (!('verifier' in options)) return undefined
  const { verifier, policy, ...other } = options as SharedVerifierOptions
  if (typeof verifier?.authenticate !== 'function' || typeof verifier.withPolicy !== 'function') {
    throw new TypeError('options.verifier: must be a verifier made by createVerifier')
  }
  const extra = Object.keys(other)[0]
  if (extra !== undefined) {
    throw new TypeError(`options.${extra}: not an adapter option; verifier options go to createVerifier`)
  }
  return policy === undefined ? verifier : verifier.withPolicy(policy)
}

function build<Req>(verifier: Verifier, realm: string, onError: AdapterHooks<Req>['onError']): AdapterCore<Req> {
  const refuse = (error: unknown, request: Req): Outcome => {
    if (!(error instanceof GitHubOidcError)) throw error
    onError?.(error, request)
    return { ok: false, error, http: toHttpError(error, { realm }) }
  }
  return Object.freeze({
    verifier,
    authenticate(input: AuthorizationInput, request: Req): Outcome | Promise<Outcome> {
      try {
        const verdict = authenticateNow(verifier, input)
        if (verdict instanceof Promise) {
          return verdict.then(
            (claims): Outcome => ({ ok: true, claims }),
            (error: unknown) => refuse(error, request),
          )
        }
        return { ok: true, claims: verdict }
      } catch (error) {
        return refuse(error, request)
      }
    },
    withPolicy: (policy: Policy) => build(verifier.withPolicy(policy), realm, onError),
  })
}

/**
 * Authenticates and calls `finish` with the outcome: synchronously when no I/O was needed (a
 * repeated token), else when the promise settles. `fail` receives what is not a verdict (a bug),
 * for callback-style frameworks (Express `next`, Fastify `done`) that must be called exactly once.
 */
export function whenAuthenticated<Req>(
  core: AdapterCore<Req>,
  input: AuthorizationInput,
  request: Req,
  finish: (outcome: Outcome) => void,
  fail: (error: Error) => void,
): void {
  let outcome: Outcome | Promise<Outcome>
  try {
    outcome = core.authenticate(input, request)
  } catch (error) {
    fail(error as Error)
    return
  }
  if (outcome instanceof Promise) outcome.then(finish, fail)
  else finish(outcome)
}

/**
 * A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`, Fetch standard §3.2.2) never
 * carries credentials, so it is passed on untouched for the app's CORS handling to answer. The
 * header is read only for `OPTIONS`: on some runtimes reading any header builds them all.
 */
export function isPreflight(method: string | undefined, requestMethod: () => unknown): boolean {
  if (method !== 'OPTIONS') return false
  const value = requestMethod()
  return value !== undefined && value !== null && value !== ''
}

/**
 * The part of Node's `IncomingMessage` read here, typed structurally so that the declarations of
 * adapters for Workers and Deno do not need `@types/node`.
 */
export interface NodeRequestHeaders {
  readonly headers: { readonly authorization?: string | undefined }
  readonly rawHeaders?: readonly string[]
  readonly headersDistinct?: { readonly authorization?: readonly string[] | undefined }
}

/**
 * Every `Authorization` value of a Node.js request: `req.headers` keeps only the first of several,
 * so the raw list is scanned and two values are handed on for the core to refuse (DESIGN §3.2
 * rule 1). `rawHeaders` is already there; `headersDistinct` would build a map of every header on
 * every request. Request objects without `rawHeaders` (some test doubles) fall back to the others.
 */
export function nodeAuthorization(req: NodeRequestHeaders): AuthorizationInput {
  const raw = req.rawHeaders
  if (raw === undefined) return req.headersDistinct?.authorization ?? req.headers.authorization
  let first: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      if (first !== undefined) return [first, raw[i + 1] as string]
      first = raw[i + 1] as string
    }
  }
  return first
}

/** The JSON answer of a refusal, for adapters that answer with a Web `Response`. */
export function errorResponse(http: HttpErrorResponse): Response {
  return Response.json(http.body, { status: http.status, headers: http.headers })
}

/**
 * The error handed to a framework's own error path (Express `next(err)`, Fastify, Koa): its
 * `status`/`statusCode`, `headers` and `expose` are what their default handlers read, so they answer
 * with the right status, `WWW-Authenticate` and `Retry-After`. `cause` is the `GitHubOidcError`.
 */
export class GitHubOidcHttpError extends Error {
  override readonly name = 'GitHubOidcHttpError'
  readonly status: number
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: HttpErrorResponse['body']
  readonly code: GitHubOidcError['code']
  /** The description is safe to show: it never holds the token nor the policy. */
  readonly expose = true
  declare readonly cause: GitHubOidcError

  constructor(error: GitHubOidcError, http: HttpErrorResponse) {
    super(http.body.error_description, { cause: error })
    this.status = http.status
    this.statusCode = http.status
    this.headers = http.headers
    this.body = http.body
    this.code = error.code
  }
}
