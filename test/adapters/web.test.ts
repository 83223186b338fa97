import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createAuthenticator, withGitHubOidc } from '../../src/adapters/web.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { AUDIENCE, fromResponse, runAdapterContract, toRequest } from './contract.js'

const preflight = (): Response => new Response(null, { status: 204, headers: { 'access-control-allow-origin': '*' } })

runAdapterContract(
  'web',
  async ({ options, verifier, strict }) => {
    const echo = (_request: Request, claims: unknown): Response => Response.json(claims)
    const claims = withGitHubOidc({ ...options, preflight }, echo)
    const strictRoute = withGitHubOidc({ verifier, policy: strict, onError: options.onError }, echo)
    const app = (request: Request): Promise<Response> =>
      new URL(request.url).pathname === '/strict' ? strictRoute(request) : claims(request)
    return { request: async (request) => fromResponse(await app(toRequest(request))) }
  },
  { jsonErrors: true, preflight: true },
)

describe('web: withGitHubOidc', () => {
  let mock: MockIssuer
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it('passes the arguments after the request through, as Workers give env and ctx', async () => {
    const env = { BINDING: 'value' }
    const ctx = { waitUntil: (_promise: Promise<unknown>) => undefined }
    const fetch = withGitHubOidc<[typeof env, typeof ctx]>(
      { issuer: mock.issuer, audience: AUDIENCE, policy: 'any' },
      (_request, claims, receivedEnv, receivedCtx) =>
        Response.json({ repository: claims.repository, same: receivedEnv === env && receivedCtx === ctx }),
    )
    const request = toRequest({ authorization: `Bearer ${mock.mint({}, { audience: AUDIENCE })}` })
    const response = await fetch(request, env, ctx)
    expect(await response.json()).toEqual({ repository: 'octo-org/octo-repo', same: true })
  })

  it('authenticates a preflight like any request when no preflight handler is given', async () => {
    const fetch = withGitHubOidc({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' }, () => new Response('ok'))
    const response = await fetch(toRequest({ method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } }))
    expect(response.status).toBe(401)
  })

  it('challenges with the configured realm', async () => {
    const fetch = withGitHubOidc(
      { issuer: mock.issuer, audience: AUDIENCE, policy: 'any', realm: 'deploy-api' },
      () => new Response('ok'),
    )
    const response = await fetch(toRequest({}))
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="deploy-api"')
  })

  it('refuses bad options at construction with a TypeError naming the option', () => {
    const base = { issuer: mock.issuer, audience: AUDIENCE, policy: 'any' } as const
    const ok = (): Response => new Response('ok')
    expect(() => withGitHubOidc({ ...base, realm: '' }, ok)).toThrow(/^options\.realm: /)
    expect(() => withGitHubOidc({ ...base, onError: 'log' as never }, ok)).toThrow(/^options\.onError: /)
    expect(() => withGitHubOidc({ ...base, preflight: 1 as never }, ok)).toThrow(/^options\.preflight: /)
    expect(() => withGitHubOidc({ ...base, audiences: 'x' } as never, ok)).toThrow(/^options\.audiences: /)
    expect(() => withGitHubOidc({ verifier: {} as never }, ok)).toThrow(/^options\.verifier: /)
    expect(() => withGitHubOidc(base, undefined as never)).toThrow(TypeError)
  })

  it('rethrows an error that is not a verdict (a bug) instead of answering it as a refusal', async () => {
    const bug = new Error('bug')
    const onError = vi.fn()
    const verifier = {
      verify: () => Promise.reject(bug),
      authenticate: () => Promise.reject(bug),
      withPolicy: () => verifier,
    }
    const fetch = withGitHubOidc({ verifier, onError }, () => new Response('ok'))
    await expect(fetch(toRequest({}))).rejects.toBe(bug)
    expect(onError).not.toHaveBeenCalled()
  })

  it('refuses verifier options next to a shared verifier', async () => {
    const { createVerifier } = await import('../../src/index.js')
    const verifier = createVerifier({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' })
    expect(() => withGitHubOidc({ verifier, audience: 'x' } as never, () => new Response('ok'))).toThrow(
      /^options\.audience: not an adapter option/,
    )
  })
})

describe('web: createAuthenticator', () => {
  let mock: MockIssuer
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it('resolves with the claims of a valid token, or with the refusing response', async () => {
    const authenticate = createAuthenticator({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' })
    const ok = await authenticate(toRequest({ authorization: `Bearer ${mock.mint({}, { audience: AUDIENCE })}` }))
    expect('claims' in ok && ok.claims.repository).toBe('octo-org/octo-repo')
    const refused = await authenticate(toRequest({}))
    if (!('response' in refused)) throw new Error('expected a refusal')
    expect(refused.response.status).toBe(401)
    expect(await refused.response.json()).toEqual({
      error: 'unauthorized',
      error_description: 'no bearer token in the Authorization header',
    })
  })
})
