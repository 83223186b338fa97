/**
 * `github-oidc/express`: middleware for Express 4 and 5.
 */
import type { NextFunction, Request, Response } from 'express'
import type { GitHubActionsClaims } from '../index.js'
import {
  createAdapterCore,
  GitHubOidcHttpError,
  type GitHubOidcOptions,
  isPreflight,
  nodeAuthorization,
  whenAuthenticated,
} from './shared.js'

export type { GitHubOidcOptions } from './shared.js'
export { GitHubOidcHttpError } from './shared.js'

declare global {
  namespace Express {
    interface Request {
      /** The verified claims, set by the `githubOidc` middleware; `undefined` on routes without it. */
      githubOidc?: GitHubActionsClaims
    }
  }
}

/**
 * Verifies the bearer token and sets `req.githubOidc`. A refusal goes to `next(err)` with a
 * `GitHubOidcHttpError` whose `status` and `headers` Express's default handler applies; customise
 * the answer in an error-handling middleware. CORS preflights pass through untouched.
 */
export function githubOidc(
  options: GitHubOidcOptions<Request>,
): (req: Request, res: Response, next: NextFunction) => void {
  const core = createAdapterCore<Request>(options)
  return function githubOidc(req, _res, next) {
    if (isPreflight(req.method, () => req.headers['access-control-request-method'])) return next()
    // Express 4 ignores returned promises: settle explicitly, exactly once, and synchronously for
    // a repeated token.
    whenAuthenticated(
      core,
      nodeAuthorization(req),
      req,
      (outcome) => {
        if (!outcome.ok) return next(new GitHubOidcHttpError(outcome.error, outcome.http))
        req.githubOidc = outcome.claims
        next()
      },
      next,
    )
  }
}
