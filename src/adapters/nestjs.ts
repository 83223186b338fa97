/**
 * `github-oidc/nestjs`: a module, a guard and a parameter decorator for NestJS 11, on the Express
 * and the Fastify platform.
 */

import type { IncomingMessage } from 'node:http'
import {
  type CanActivate,
  createParamDecorator,
  type DynamicModule,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Module,
  SetMetadata,
} from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import type { GitHubActionsClaims, Policy } from '../index.js'
import {
  type AdapterCore,
  createAdapterCore,
  type GitHubOidcOptions,
  isPreflight,
  nodeAuthorization,
} from './shared.js'

export type { GitHubOidcOptions } from './shared.js'

/** The injection token of the adapter built by `GitHubOidcModule.forRoot` (its verifier is `.verifier`). */
export const GITHUB_OIDC = Symbol.for('github-oidc:nestjs')
const POLICY = 'github-oidc:policy'

/** Sets a stricter policy on a controller or a route, on top of the module's (both must allow). */
export const GitHubOidcPolicy = (policy: Policy): ClassDecorator & MethodDecorator => SetMetadata(POLICY, policy)

/** The verified claims of the request, in a route guarded by `GitHubOidcGuard`. */
export const GitHubOidcClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): GitHubActionsClaims | undefined =>
    context.switchToHttp().getRequest<{ githubOidc?: GitHubActionsClaims }>().githubOidc,
)

/** Express's request is an `IncomingMessage`; Fastify's wraps one as `raw`. */
interface PlatformRequest extends Pick<IncomingMessage, 'method' | 'headers' | 'headersDistinct'> {
  raw?: PlatformRequest
  githubOidc?: GitHubActionsClaims
}
/** Express's `res.header` and Fastify's `reply.header`. */
type PlatformResponse = { header(name: string, value: string): unknown }

/**
 * Verifies the bearer token and stores the claims on `request.githubOidc`. A refusal is thrown as an
 * `HttpException` with the JSON body of DESIGN §3.4 and the `GitHubOidcError` as `cause`, after
 * `WWW-Authenticate` or `Retry-After` is set on the response; exception filters can customise it.
 */
@Injectable()
export class GitHubOidcGuard implements CanActivate {
  readonly #routes = new WeakMap<object, WeakMap<object, AdapterCore<unknown>>>()
  // Property injection: no constructor parameter decorators, so no reliance on emitted metadata.
  @Inject(GITHUB_OIDC) private readonly core!: AdapterCore<unknown>
  @Inject(Reflector) private readonly reflector!: Reflector

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false
    if (this.core === undefined) throw new TypeError('GitHubOidcGuard: import GitHubOidcModule.forRoot(options)')
    const http = context.switchToHttp()
    const request = http.getRequest<PlatformRequest>()
    if (isPreflight(request.method, () => request.headers['access-control-request-method'])) return true
    const outcome = await this.#coreFor(context).authenticate(nodeAuthorization(request.raw ?? request), request)
    if (!outcome.ok) {
      const response = http.getResponse<PlatformResponse>()
      for (const [name, value] of Object.entries(outcome.http.headers)) response.header(name, value)
      throw new HttpException(outcome.http.body, outcome.http.status, { cause: outcome.error })
    }
    request.githubOidc = outcome.claims
    return true
  }

  /** The module's adapter, tightened once per route by the policies on its class and handler. */
  #coreFor(context: ExecutionContext): AdapterCore<unknown> {
    const [controller, handler] = [context.getClass(), context.getHandler()]
    const routes = this.#routes.get(controller) ?? new WeakMap<object, AdapterCore<unknown>>()
    this.#routes.set(controller, routes)
    let core = routes.get(handler)
    if (core === undefined) {
      const policies = [controller, handler].map((target) => this.reflector.get<Policy | undefined>(POLICY, target))
      core = policies.reduce((base, policy) => (policy === undefined ? base : base.withPolicy(policy)), this.core)
      routes.set(handler, core)
    }
    return core
  }
}

/** `GitHubOidcModule.forRoot(options)`: validates the options once and provides the guard app-wide. */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static forRoot
export class GitHubOidcModule {
  static forRoot(options: GitHubOidcOptions<unknown>): DynamicModule {
    const core = createAdapterCore<unknown>(options)
    return {
      module: GitHubOidcModule,
      global: true,
      providers: [{ provide: GITHUB_OIDC, useValue: core }, GitHubOidcGuard],
      exports: [GITHUB_OIDC, GitHubOidcGuard],
    }
  }
}
