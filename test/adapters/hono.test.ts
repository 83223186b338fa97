import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GitHubOidcEnv, githubOidc } from '../../src/adapters/hono.js'
import { GitHubOidcError } from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import {
  AUDIENCE,
  type ContractOptions,
  fromResponse,
  runAdapterContract,
  sendHttp,
  toHeaders,
  toRequest,
} from './contract.js'

function buildApp({ options, verifier, strict }: ContractOptions): Hono<GitHubOidcEnv> {
  const app = new Hono<GitHubOidcEnv>()
  app.use('/claims', githubOidc(options), cors({ origin: '*' }))
  app.get('/claims', (c) => c.json(c.get('githubOidc')))
  app.get('/strict', githubOidc({ verifier, policy: strict, onError: options.onError }), (c) =>
    c.json(c.var.githubOidc),
  )
  return app
}

runAdapterContract(
  'hono (app.request)',
  async (options) => {
    const app = buildApp(options)
    return {
      request: async (request) =>
        fromResponse(
          await app.request(request.path ?? '/claims', {
            method: request.method ?? 'GET',
            headers: toHeaders(request),
          }),
        ),
    }
  },
  { jsonErrors: true, preflight: true },
)

runAdapterContract(
  'hono (@hono/node-server)',
  async (options) => {
    const app = buildApp(options)
    const { origin, close } = await new Promise<{ origin: string; close: () => Promise<void> }>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({
          origin: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
      )
    })
    return { request: (request) => sendHttp(origin, request), close }
  },
  { jsonErrors: true, preflight: true },
)

describe('hono: githubOidc', () => {
  let mock: MockIssuer
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it('throws an HTTPException that app.onError can customise, with the GitHubOidcError as cause', async () => {
    const app = new Hono()
    app.get('/claims', githubOidc({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' }), (c) => c.text('ok'))
    app.onError((error, c) => {
      if (!(error instanceof HTTPException) || !(error.cause instanceof GitHubOidcError)) throw error
      const response = error.getResponse()
      return c.json({ code: error.cause.code }, error.status, {
        'www-authenticate': response.headers.get('www-authenticate') ?? '',
      })
    })
    const response = await app.fetch(toRequest({ authorization: 'Bearer a b' }))
    expect(response.status).toBe(400)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc", error="invalid_request"')
    expect(await response.json()).toEqual({ code: 'ERR_REQUEST_INVALID' })
  })
})
