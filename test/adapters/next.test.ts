import { NextRequest } from 'next/server.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubOidcMiddleware, withGitHubOidc } from '../../src/adapters/next.js'
import type { GitHubActionsClaims } from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import {
  AUDIENCE,
  type ContractOptions,
  fromResponse,
  runAdapterContract,
  type TestRequest,
  toHeaders,
} from './contract.js'

type Params = { params: Promise<{ id: string }> }
const echo = (_request: NextRequest, claims: GitHubActionsClaims): Response => Response.json(claims)
const preflight = (): Response => new Response(null, { status: 204, headers: { 'access-control-allow-origin': '*' } })

/** What the App Router does: a `NextRequest` to the route module's export for the method. */
function routeModules({ options, verifier, strict }: ContractOptions) {
  return {
    '/claims': { GET: withGitHubOidc(options, echo), OPTIONS: preflight },
    '/strict': {
      GET: withGitHubOidc({ verifier, policy: strict, onError: options.onError }, echo),
      OPTIONS: preflight,
    },
  }
}

function toNextRequest(request: TestRequest): NextRequest {
  return new NextRequest(`http://localhost${request.path ?? '/claims'}`, {
    method: request.method ?? 'GET',
    headers: toHeaders(request),
  })
}

runAdapterContract(
  'next (route handlers)',
  async (options) => {
    const routes = routeModules(options)
    return {
      request: async (request) => {
        const route = routes[request.path === '/strict' ? '/strict' : '/claims']
        const handler = request.method === 'OPTIONS' ? route.OPTIONS : route.GET
        return fromResponse(await handler(toNextRequest(request), { params: Promise.resolve({}) }))
      },
    }
  },
  { jsonErrors: true, preflight: false },
)

runAdapterContract(
  'next (middleware gate, then route handlers)',
  async (options) => {
    const gate = githubOidcMiddleware(options.options)
    const routes = routeModules(options)
    return {
      request: async (request) => {
        const nextRequest = toNextRequest(request)
        const gated = await gate(nextRequest)
        if (gated.headers.get('x-middleware-next') !== '1') return fromResponse(gated)
        const route = routes[request.path === '/strict' ? '/strict' : '/claims']
        const handler = request.method === 'OPTIONS' ? route.OPTIONS : route.GET
        return fromResponse(await handler(nextRequest, { params: Promise.resolve({}) }))
      },
    }
  },
  { jsonErrors: true, preflight: true },
)

describe('next: withGitHubOidc', () => {
  let mock: MockIssuer
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it('hands the route context (params) to the handler unchanged', async () => {
    const GET = withGitHubOidc<Params>(
      { issuer: mock.issuer, audience: AUDIENCE, policy: 'any' },
      async (request, claims, { params }) =>
        Response.json({ id: (await params).id, repository: claims.repository, url: request.nextUrl.pathname }),
    )
    const request = toNextRequest({ authorization: `Bearer ${mock.mint({}, { audience: AUDIENCE })}` })
    const response = await GET(request, { params: Promise.resolve({ id: '42' }) })
    expect(await response.json()).toEqual({ id: '42', repository: 'octo-org/octo-repo', url: '/claims' })
  })

  it('lets a verified request continue from the middleware with NextResponse.next()', async () => {
    const gate = githubOidcMiddleware({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' })
    const response = await gate(toNextRequest({ authorization: `Bearer ${mock.mint({}, { audience: AUDIENCE })}` }))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-middleware-next')).toBe('1')
  })

  it('refuses a missing handler at construction', () => {
    expect(() => withGitHubOidc({ audience: AUDIENCE, policy: 'any' }, undefined as never)).toThrow(TypeError)
  })
})
