import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GitHubOidcHttpError, githubOidc } from '../../src/adapters/fastify.js'
import { githubOidcSecurityScheme } from '../../src/core/openapi.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { AUDIENCE, type ContractOptions, runAdapterContract, sendHttp, type TestRequest } from './contract.js'

async function buildApp({ options, strict }: ContractOptions): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(githubOidc, options)
  await app.register(async (scope) => {
    // Hooked for every method of the scope, so that preflights reach it and must pass through.
    scope.addHook('onRequest', scope.githubOidc)
    scope.get('/claims', async (request) => request.githubOidc)
    scope.options('/claims', async (_request, reply) =>
      reply.header('access-control-allow-origin', '*').code(204).send(),
    )
  })
  app.get('/strict', { onRequest: app.githubOidc.withPolicy(strict) }, async (request) => request.githubOidc)
  return app
}

function inject(app: FastifyInstance, request: TestRequest) {
  const headers: Record<string, string | string[]> = { ...request.headers }
  if (request.authorization !== undefined) headers.authorization = [request.authorization].flat()
  return app.inject({ method: (request.method ?? 'GET') as 'GET', url: request.path ?? '/claims', headers })
}

runAdapterContract(
  'fastify (inject)',
  async (options) => {
    const app = await buildApp(options)
    return {
      request: async (request) => {
        const response = await inject(app, request)
        return { status: response.statusCode, headers: flatten(response.headers), body: response.body }
      },
      close: () => app.close(),
    }
  },
  { jsonErrors: false, preflight: true },
)

runAdapterContract(
  'fastify (listen)',
  async (options) => {
    const app = await buildApp(options)
    const origin = await app.listen({ port: 0, host: '127.0.0.1' })
    return { request: (request) => sendHttp(origin, request), close: () => app.close() }
  },
  { jsonErrors: false, preflight: true },
)

function flatten(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value].flat().join(', ')]))
}

describe('fastify: githubOidc', () => {
  let mock: MockIssuer
  const options = () => ({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' }) as const
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it("answers a refusal with Fastify's JSON error body", async () => {
    const app = Fastify()
    await app.register(githubOidc, options())
    app.get('/claims', { onRequest: app.githubOidc }, async () => 'unreachable')
    const response = await app.inject({ url: '/claims', headers: { authorization: 'Bearer a b' } })
    expect(response.statusCode).toBe(400)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="github-oidc", error="invalid_request"')
    expect(response.json()).toEqual({
      statusCode: 400,
      code: 'ERR_REQUEST_INVALID',
      error: 'Bad Request',
      message: 'the Authorization header is not "Bearer <token>" with exactly one token',
    })
    await app.close()
  })

  it('lets setErrorHandler customise the answer, with the GitHubOidcError as cause', async () => {
    const app = Fastify()
    await app.register(githubOidc, options())
    app.setErrorHandler((error, _request, reply) => {
      if (!(error instanceof GitHubOidcHttpError)) throw error
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({ ...error.body, code: error.cause.code })
    })
    app.get('/claims', { onRequest: app.githubOidc }, async () => 'unreachable')
    const response = await app.inject({ url: '/claims' })
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="github-oidc"')
    expect(response.json()).toEqual({
      error: 'unauthorized',
      error_description: 'no bearer token in the Authorization header',
      code: 'ERR_TOKEN_MISSING',
    })
    await app.close()
  })

  it('decorates the app it is registered on, not a child scope, and ignores the register options', async () => {
    const app = Fastify()
    await app.register(githubOidc, { ...options(), prefix: '/ignored' })
    expect(typeof app.githubOidc).toBe('function')
    expect(typeof app.githubOidc.withPolicy).toBe('function')
    await app.close()
  })

  it('refuses bad options when the plugin is registered', async () => {
    const app = Fastify()
    await expect(app.register(githubOidc, { ...options(), realm: '' })).rejects.toThrow(/^options\.realm: /)
    await app.close()
  })

  it('documents the security scheme in the OpenAPI document of @fastify/swagger', async () => {
    const app = Fastify()
    await app.register(swagger, {
      openapi: {
        info: { title: 'deploy API', version: '1.0.0' },
        components: { securitySchemes: { githubOidc: githubOidcSecurityScheme } },
        security: [{ githubOidc: [] }],
      },
    })
    await app.register(githubOidc, options())
    app.get('/claims', { onRequest: app.githubOidc, schema: { security: [{ githubOidc: [] }] } }, async () => 'ok')
    await app.ready()
    const document = app.swagger() as {
      components: { securitySchemes: Record<string, unknown> }
      paths: Record<string, { get: { security: unknown } }>
    }
    expect(document.components.securitySchemes.githubOidc).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: githubOidcSecurityScheme.description,
    })
    expect(document.paths['/claims']?.get.security).toEqual([{ githubOidc: [] }])
    await app.close()
  })
})
