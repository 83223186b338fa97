/**
 * `github-oidc/web`: Web-standard `Request` → `Response` handlers, for Bun, Deno, Cloudflare Workers
 * and anything else that serves a `fetch(request, ...rest)` function.
 */
import type { GitHubActionsClaims } from '../index.js'
import { createAdapterCore, errorResponse, type GitHubOidcOptions, isPreflight } from './shared.js'

export type { GitHubOidcOptions } from './shared.js'

export type WebHandler<Rest extends unknown[]> = (
  request: Request,
  claims: GitHubActionsClaims,
  ...rest: Rest
) => Response | Promise<Response>

export type WebGitHubOidcOptions<Rest extends unknown[] = unknown[]> = GitHubOidcOptions<Request> & {
  /**
   * Answers CORS preflights (`OPTIONS` with `Access-Control-Request-Method`), which carry no
   * credentials, without authentication. Default none: a preflight is authenticated like any request.
   */
  readonly preflight?: (request: Request, ...rest: Rest) => Response | Promise<Response>
}

/**
 * Wraps a handler so it runs only for a verified, allowed caller and receives the claims. Arguments
 * after the request (Workers' `env` and `ctx`, Bun's `server`) are passed through. A refusal is
 * answered with the status, headers and JSON body of DESIGN §3.4.
 */
export function withGitHubOidc<Rest extends unknown[] = []>(
  options: WebGitHubOidcOptions<Rest>,
  handler: WebHandler<Rest>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  if (typeof handler !== 'function') throw new TypeError('withGitHubOidc(options, handler): handler must be a function')
  const { preflight, ...rest } = options ?? {}
  if (preflight !== undefined && typeof preflight !== 'function') {
    throw new TypeError('options.preflight: must be a function')
  }
  const core = createAdapterCore<Request>(rest)
  return async function githubOidc(request, ...args) {
    if (preflight && isPreflight(request.method, () => request.headers.get('access-control-request-method'))) {
      return preflight(request, ...args)
    }
    const outcome = await core.authenticate(request, request)
    return outcome.ok ? handler(request, outcome.claims, ...args) : errorResponse(outcome.http)
  }
}

/**
 * The lower level: verifies `request` and resolves with the claims, or with the `Response` that
 * refuses it. For routers that compose their own handlers.
 */
export function createAuthenticator(
  options: GitHubOidcOptions<Request>,
): (request: Request) => Promise<{ claims: GitHubActionsClaims } | { response: Response }> {
  const core = createAdapterCore<Request>(options)
  return async (request) => {
    const outcome = await core.authenticate(request, request)
    return outcome.ok ? { claims: outcome.claims } : { response: errorResponse(outcome.http) }
  }
}
