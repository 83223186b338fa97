/**
 * `github-oidc/koa`: middleware for Koa 2 and 3 (and `@koa/router`).
 */
import type { Context, Middleware, Next } from 'koa'
import type { GitHubActionsClaims } from '../index.js'
import {
  createAdapterCore,
  GitHubOidcHttpError,
  type GitHubOidcOptions,
  isPreflight,
  nodeAuthorization,
} from './shared.js'

export type { GitHubOidcOptions } from './shared.js'
export { GitHubOidcHttpError } from './shared.js'

/** What the middleware adds to `ctx.state`. */
export interface GitHubOidcState {
  /** The verified claims; `undefined` on routes without the middleware. */
  githubOidc?: GitHubActionsClaims
}

declare module 'koa' {
  interface DefaultState extends GitHubOidcState {}
}

/**
 * Verifies the bearer token and sets `ctx.state.githubOidc`. A refusal is thrown as a
 * `GitHubOidcHttpError` (`status`, `expose`, `headers`) that Koa's default handler answers, with
 * `WWW-Authenticate` or `Retry-After`; catch it upstream to customise. Preflights pass through.
 */
export function githubOidc(options: GitHubOidcOptions<Context>): Middleware<GitHubOidcState> {
  const core = createAdapterCore<Context>(options)
  return async function githubOidc(ctx: Context, next: Next): Promise<void> {
    if (isPreflight(ctx.method, () => ctx.get('access-control-request-method'))) return next()
    const outcome = await core.authenticate(nodeAuthorization(ctx.req), ctx)
    if (!outcome.ok) throw new GitHubOidcHttpError(outcome.error, outcome.http)
    ctx.state.githubOidc = outcome.claims
    await next()
  }
}
