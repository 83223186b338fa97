/**
 * `github-oidc/fastify`: a Fastify 5 plugin.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { GitHubActionsClaims, Policy } from '../index.js'
import {
  type AdapterCore,
  createAdapterCore,
  GitHubOidcHttpError,
  type GitHubOidcOptions,
  isPreflight,
  nodeAuthorization,
  whenAuthenticated,
} from './shared.js'

export type { GitHubOidcOptions } from './shared.js'
export { GitHubOidcHttpError } from './shared.js'

/** An `onRequest` hook that verifies the bearer token and sets `request.githubOidc`. */
export interface GitHubOidcHook {
  (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void
  /** The same hook with a stricter policy for one route, sharing keys and caches. */
  withPolicy(policy: Policy): GitHubOidcHook
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified claims; `undefined` on routes without the `app.githubOidc` hook. */
    githubOidc?: GitHubActionsClaims
  }
  interface FastifyInstance {
    /** `{ onRequest: app.githubOidc }` protects a route; `app.githubOidc.withPolicy(p)` tightens it. */
    githubOidc: GitHubOidcHook
  }
}

/**
 * `app.register(githubOidc, options)` decorates the app with the `githubOidc` hook. A refusal is
 * thrown as a `GitHubOidcHttpError` (`statusCode`, `headers`) that Fastify's error handler answers
 * with `WWW-Authenticate` or `Retry-After` and a JSON body; `setErrorHandler` customises it.
 */
async function plugin(app: FastifyInstance, options: GitHubOidcOptions<FastifyRequest>): Promise<void> {
  // Fastify passes its own register options along with ours.
  const { prefix, logLevel, logSerializers, ...own } = options as typeof options & Record<string, unknown>
  app.decorateRequest('githubOidc', undefined)
  app.decorate('githubOidc', createHook(createAdapterCore<FastifyRequest>(own)))
}

function createHook(core: AdapterCore<FastifyRequest>): GitHubOidcHook {
  // A callback hook, not an async one: a repeated token is settled synchronously, without a promise.
  function githubOidc(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
    if (isPreflight(request.method, () => request.headers['access-control-request-method'])) {
      done()
      return
    }
    whenAuthenticated(
      core,
      nodeAuthorization(request.raw),
      request,
      (outcome) => {
        if (!outcome.ok) return done(new GitHubOidcHttpError(outcome.error, outcome.http))
        request.githubOidc = outcome.claims
        done()
      },
      done,
    )
  }
  return Object.assign(githubOidc, { withPolicy: (policy: Policy) => createHook(core.withPolicy(policy)) })
}

/** The plugin; like `fastify-plugin`, it decorates the app it is registered on, not a child scope. */
export const githubOidc = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'github-oidc',
})
