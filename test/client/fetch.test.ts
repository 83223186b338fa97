import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createActionsFetch,
  createActionsTokenSource,
  getActionsToken,
  resetActionsTokenCache,
} from '../../src/client/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { against, claimsOf } from './helpers.js'

interface Seen {
  readonly method: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

let kit: MockIssuer
let server: Server
let origin: string
const seen: Seen[] = []
/** How the app answers: refuse the first token it sees (then accept others), accept all, or refuse all. */
let mode: 'refuse-first' | 'accept' | 'refuse-all' = 'refuse-first'
let firstToken: string | undefined

beforeAll(async () => {
  kit = await createMockIssuer()
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() })
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
      firstToken ??= token
      const refuse = mode === 'refuse-all' || (mode === 'refuse-first' && token === firstToken)
      const status = refuse ? 401 : 200
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'refused')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  seen.length = 0
  mode = 'refuse-first'
  firstToken = undefined
  resetActionsTokenCache()
  kit.resetCounts()
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await kit.close()
})

function wrapped() {
  return createActionsFetch({ audience: 'app', ...against(kit) })
}

describe('createActionsFetch', () => {
  it('adds Authorization: Bearer <token> for the audience and keeps every other header', async () => {
    mode = 'accept'
    const actionsFetch = wrapped()
    const forms: [string | URL | Request, RequestInit | undefined][] = [
      [`${origin}/a`, { headers: { 'X-Custom': 'object' } }],
      [new URL(`${origin}/b`), { headers: new Headers({ 'X-Custom': 'headers' }) }],
      [`${origin}/c`, { headers: [['X-Custom', 'tuples']] }],
      [new Request(`${origin}/d`, { headers: { 'X-Custom': 'request' } }), undefined],
      [new Request(`${origin}/e`, { headers: { 'X-Custom': 'replaced' } }), { headers: { 'X-Custom': 'init' } }],
    ]
    for (const [input, init] of forms) expect((await actionsFetch(input, init)).status).toBe(200)
    const requests = seen
    expect(requests.map((request) => request.headers['x-custom'])).toEqual([
      'object',
      'headers',
      'tuples',
      'request',
      'init',
    ])
    const tokens = new Set(requests.map((request) => request.headers.authorization))
    expect(tokens.size).toBe(1)
    const [authorization] = [...tokens]
    expect(claimsOf(authorization?.replace(/^Bearer /, '') ?? '').aud).toBe('app')
    expect(kit.requests.token).toBe(1)
  })

  it('sends a request that already has an Authorization header as it is, without a token request', async () => {
    const response = await wrapped()(`${origin}/own`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })
    expect(response.status).toBe(401)
    expect(seen.map((request) => request.headers.authorization)).toEqual(['Basic dXNlcjpwYXNz'])
    expect(kit.requests.token).toBe(0)
  })

  it.each<[string, () => RequestInit['body'], string]>([
    ['no body', () => undefined, ''],
    ['a string body', () => 'payload', 'payload'],
    ['URLSearchParams', () => new URLSearchParams({ a: '1 2' }), 'a=1+2'],
    ['a Uint8Array', () => new TextEncoder().encode('bytes'), 'bytes'],
    ['an ArrayBuffer', () => new TextEncoder().encode('buffer').buffer, 'buffer'],
    ['a Blob', () => new Blob(['blob']), 'blob'],
  ])('on a 401 gets a fresh token and sends the request once more, with %s', async (_, body, text) => {
    const actionsFetch = wrapped()
    const payload = body()
    const init: RequestInit = payload === undefined ? { method: 'GET' } : { method: 'POST', body: payload }
    const response = await actionsFetch(`${origin}/retry`, init)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('ok')
    expect(seen).toHaveLength(2)
    expect(seen.map((request) => request.body)).toEqual([text, text])
    const [first, second] = seen.map((request) => request.headers.authorization)
    expect(first).not.toBe(second)
    expect(kit.requests.token).toBe(2)
  })

  it('replays a Request without a body', async () => {
    const response = await wrapped()(new Request(`${origin}/request`, { headers: { 'X-Custom': 'kept' } }))
    expect(response.status).toBe(200)
    expect(seen.map((request) => request.headers['x-custom'])).toEqual(['kept', 'kept'])
  })

  it('returns the 401 as it is when the body is a one-shot stream, and drops the refused token', async () => {
    const actionsFetch = wrapped()
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'))
        controller.close()
      },
    })
    const init = { method: 'POST', body: stream, duplex: 'half' } as RequestInit
    const response = await actionsFetch(`${origin}/stream`, init)
    expect(response.status).toBe(401)
    expect(seen.map((request) => request.body)).toEqual(['streamed'])
    expect(kit.requests.token).toBe(1)
    expect((await actionsFetch(`${origin}/next`)).status).toBe(200)
    expect(kit.requests.token).toBe(2)
  })

  it('returns the 401 as it is for a Request that carries a body', async () => {
    const request = new Request(`${origin}/request-body`, { method: 'POST', body: 'once' })
    const response = await wrapped()(request)
    expect(response.status).toBe(401)
    expect(seen.map((entry) => entry.body)).toEqual(['once'])
  })

  it('retries only once when the fresh token is refused too', async () => {
    mode = 'refuse-all'
    const response = await wrapped()(`${origin}/always`)
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(2)
    expect(kit.requests.token).toBe(2)
  })

  it('does not retry a 401 with a token that was handed in and cannot be renewed', async () => {
    const token = kit.mint({}, { audience: 'app' })
    const response = await createActionsFetch({ audience: 'app', token })(`${origin}/static`)
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${token}`)
  })

  it('rejects with the token error when the fresh token cannot be had after a 401', async () => {
    await getActionsToken('app', against(kit)) // the token the app will refuse, already cached
    kit.fail('500', { endpoints: ['token'] })
    const actionsFetch = createActionsFetch({ audience: 'app', ...against(kit, { retries: 0 }) })
    await expect(actionsFetch(`${origin}/x`)).rejects.toMatchObject({ code: 'ERR_ACTIONS_TOKEN_REQUEST', status: 500 })
    expect(seen).toHaveLength(1)
    expect(kit.requests.token).toBe(2)
    kit.fail('none')
  })

  it('rejects with the token error when no token can be had', async () => {
    await expect(createActionsFetch({ audience: 'app', env: {} })(`${origin}/x`)).rejects.toMatchObject({
      code: 'ERR_ACTIONS_ENV_MISSING',
    })
    expect(seen).toEqual([])
  })

  it('validates its options when created', () => {
    expect(() => createActionsFetch({} as { audience: string })).toThrow(/audience/)
    expect(() => createActionsFetch({ audience: 'app', retries: 99 })).toThrow(/options\.retries/)
  })

  it('shares the token of a token source', async () => {
    const source = createActionsTokenSource(against(kit))
    const token = await source.getToken('app')
    mode = 'accept'
    await source.createFetch({ audience: 'app' })(`${origin}/source`)
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${token}`)
    expect(kit.requests.token).toBe(1)
  })
})
