import { createServer } from 'node:http'
import { Test } from '@nestjs/testing'
import { NextRequest } from 'next/server.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { listen, sendHttp } from './contract.js'

/** Each example runs against the testing kit, configured as a user would: by environment. */
describe('examples', () => {
  const audience = 'https://api.example.test'
  let mock: MockIssuer
  let push: string
  let deploy: string
  beforeAll(async () => {
    mock = await createMockIssuer()
    vi.stubEnv('GITHUB_OIDC_ISSUER', mock.issuer)
    vi.stubEnv('GITHUB_OIDC_AUDIENCE', audience)
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    push = mock.mint({}, { audience })
    deploy = mock.mint({}, { audience, preset: 'environment' })
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
    await mock.close()
  })
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('express: answers whoami, and refuses a deployment from outside production as JSON', async () => {
    const { app } = await import('../../examples/express.js')
    const { origin, close } = await listen(createServer(app))
    try {
      const whoami = await sendHttp(origin, { path: '/whoami', ...bearer(push) })
      expect(JSON.parse(whoami.body)).toEqual({ repository: 'octo-org/octo-repo', ref: 'refs/heads/main' })
      const refused = await sendHttp(origin, { method: 'POST', path: '/deploy', ...bearer(push) })
      expect(refused.status).toBe(403)
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'insufficient_scope' })
      const accepted = await sendHttp(origin, { method: 'POST', path: '/deploy', ...bearer(deploy) })
      expect(accepted.status).toBe(202)
    } finally {
      await close()
    }
  })

  it('node: answers with the claims, or refuses', async () => {
    const { server } = await import('../../examples/node.js')
    const { origin, close } = await listen(server)
    try {
      expect((await sendHttp(origin, bearer(push))).status).toBe(200)
      expect((await sendHttp(origin, {})).status).toBe(401)
    } finally {
      await close()
    }
  })

  it('web: the fetch handler answers with the claims', async () => {
    const { default: worker } = await import('../../examples/web.js')
    const response = await worker.fetch(new Request('http://localhost/x', { headers: bearer(push) }))
    expect(await response.json()).toEqual({ path: '/x', run: '14144996512' })
  })

  it('hono: whoami, and a deployment only from production', async () => {
    const { app } = await import('../../examples/hono.js')
    expect(await (await app.request('/whoami', { headers: bearer(push) })).json()).toEqual({
      repository: 'octo-org/octo-repo',
    })
    expect((await app.request('/deploy', { method: 'POST', headers: bearer(push) })).status).toBe(403)
    expect((await app.request('/deploy', { method: 'POST', headers: bearer(deploy) })).status).toBe(202)
  })

  it('koa: a release only from a protected ref', async () => {
    const { app } = await import('../../examples/koa.js')
    const { origin, close } = await listen(createServer(app.callback()))
    try {
      const pr = mock.mint({}, { audience, preset: 'pull_request' })
      expect((await sendHttp(origin, { method: 'POST', path: '/release', ...bearer(push) })).status).toBe(202)
      expect((await sendHttp(origin, { method: 'POST', path: '/release', ...bearer(pr) })).status).toBe(403)
    } finally {
      await close()
    }
  })

  it('fastify: protects the routes and documents the scheme in OpenAPI', async () => {
    const { app } = await import('../../examples/fastify.js')
    expect((await app.inject({ url: '/whoami', headers: bearer(push) })).json()).toEqual({
      repository: 'octo-org/octo-repo',
    })
    expect((await app.inject({ method: 'POST', url: '/deploy', headers: bearer(push) })).statusCode).toBe(403)
    const spec = (await app.inject({ url: '/openapi.json' })).json()
    expect(spec.components.securitySchemes.githubOidc).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(spec.paths['/deploy'].post.security).toEqual([{ githubOidc: [] }])
    await app.close()
  })

  it('next: the route handler and the proxy', async () => {
    const { GET, proxy } = await import('../../examples/next.js')
    const request = new NextRequest('http://localhost/api/deployments/7', { headers: bearer(push) })
    const response = await GET(request, { params: Promise.resolve({ id: '7' }) })
    expect(await response.json()).toEqual({ deployment: '7', requestedBy: 'octo-org/octo-repo' })
    expect((await proxy(new NextRequest('http://localhost/api/deployments/7'))).status).toBe(401)
  })

  it('nestjs: whoami, and a deployment only from production', async () => {
    const { AppModule } = await import('../../examples/nestjs.js')
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile()
    const app = moduleRef.createNestApplication({ logger: false })
    await app.listen(0, '127.0.0.1')
    const origin = await app.getUrl()
    try {
      expect(JSON.parse((await sendHttp(origin, { path: '/whoami', ...bearer(push) })).body)).toEqual({
        repository: 'octo-org/octo-repo',
      })
      expect((await sendHttp(origin, { method: 'POST', path: '/deploy', ...bearer(push) })).status).toBe(403)
      expect((await sendHttp(origin, { method: 'POST', path: '/deploy', ...bearer(deploy) })).status).toBe(201)
    } finally {
      await app.close()
    }
  })
})
