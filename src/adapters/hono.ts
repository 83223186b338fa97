/**
 * `github-oidc/hono`: middleware for Hono 4, on every runtime Hono runs on.
 */
import type { Context, MiddlewareHandler, Next } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { GitHubActionsClaims } from '../index.js'
import {
  createAdapterCore,
  errorResponse,
  type GitHubOidcOptions,
  isPreflight,
  type NodeRequestHeaders,
  nodeAuthorization,
  type Outcome,
} from './shared.js'

export type { GitHubOidcOptions } from './shared.js'

/** The context variables the middleware sets: `c.get('githubOidc')` is typed without a cast. */
export interface GitHubOidcEnv {
  Variables: { githubOidc: GitHubActionsClaims }
}

/**
 * Verifies the bearer token and sets `c.var.githubOidc`. A refusal is thrown as an `HTTPException`
 * whose `res` carries the status, headers and JSON body of DESIGN §3.4 and whose `cause` is the
 * `GitHubOidcError`; customise it in `app.onError`. CORS preflights pass through untouched.
 */
export function githubOidc(options: GitHubOidcOptions<Context>): MiddlewareHandler<GitHubOidcEnv> {
  const core = createAdapterCore<Context>(options)
  const settle = (c: Context<GitHubOidcEnv>, outcome: Outcome, next: Next) => {
    if (!outcome.ok) {
      const { http, error } = outcome
      throw new HTTPException(http.status as ContentfulStatusCode, {
        res: errorResponse(http),
        message: http.body.error_description,
        cause: error,
      })
    }
    c.set('githubOidc', outcome.claims)
    return next()
  }
  // Not an async function: a repeated token goes on to `next()` without a promise of its own.
  return function githubOidc(c, next) {
    if (isPreflight(c.req.method, () => c.req.header('access-control-request-method'))) return next()
    // On @hono/node-server, `c.env.incoming` is Node's request: reading it avoids building a Web
    // Request (and all its headers) for every call; elsewhere the Request is already there.
    const incoming = (c.env as { incoming?: NodeRequestHeaders } | undefined)?.incoming
    const input = incoming?.rawHeaders === undefined ? c.req.raw : nodeAuthorization(incoming)
    const outcome = core.authenticate(input, c)
    return outcome instanceof Promise ? outcome.then((settled) => settle(c, settled, next)) : settle(c, outcome, next)
  }
}
