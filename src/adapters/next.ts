/**
 * `github-oidc/next`: Next.js App Router route handlers, and a gate for `middleware.ts` (`proxy.ts`
 * since Next.js 16).
 */
import { type NextRequest, NextResponse } from 'next/server.js'
import type { GitHubActionsClaims } from '../index.js'
import { createAdapterCore, errorResponse, type GitHubOidcOptions, isPreflight } from './shared.js'

export type { GitHubOidcOptions } from './shared.js'

export type RouteHandler<Context> = (
  request: NextRequest,
  claims: GitHubActionsClaims,
  context: Context,
) => Response | Promise<Response>

/**
 * Wraps an App Router route handler (`export const GET = withGitHubOidc(options, handler)`): it runs
 * only for a verified, allowed caller and receives the claims, then the route context (`params`)
 * unchanged. A refusal is answered with the status, headers and JSON body of DESIGN §3.4.
 */
export function withGitHubOidc<Context = unknown>(
  options: GitHubOidcOptions<NextRequest>,
  handler: RouteHandler<Context>,
): (request: NextRequest, context: Context) => Promise<Response> {
  if (typeof handler !== 'function') throw new TypeError('withGitHubOidc(options, handler): handler must be a function')
  const core = createAdapterCore<NextRequest>(options)
  return async function githubOidc(request, context) {
    const outcome = await core.authenticate(request, request)
    return outcome.ok ? handler(request, outcome.claims, context) : errorResponse(outcome.http)
  }
}

/**
 * A gate for `middleware.ts` / `proxy.ts`: refuses what the route handlers would refuse, before they
 * run, and lets verified requests (and CORS preflights) continue with `NextResponse.next()`. It does
 * not forward the claims, since a request header carrying them could be spoofed: read them in the
 * route with `withGitHubOidc` (the verified token is cached, so the second check is a lookup).
 */
export function githubOidcMiddleware(
  options: GitHubOidcOptions<NextRequest>,
): (request: NextRequest) => Promise<Response> {
  const core = createAdapterCore<NextRequest>(options)
  return async function githubOidc(request) {
    if (isPreflight(request.method, () => request.headers.get('access-control-request-method')))
      return NextResponse.next()
    const outcome = await core.authenticate(request, request)
    return outcome.ok ? NextResponse.next() : errorResponse(outcome.http)
  }
}
