import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

let mock: MockIssuer
let discoveryUrl: string

beforeAll(async () => {
  mock = await createMockIssuer({ slowMs: 200 })
  discoveryUrl = `${mock.issuer}/.well-known/openid-configuration`
})
afterEach(() => {
  mock.fail('none')
  mock.resetCounts()
})
afterAll(() => mock.close())

const tokenRequest = () =>
  fetch(mock.env.ACTIONS_ID_TOKEN_REQUEST_URL, {
    headers: { Authorization: `Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  })

describe('fail', () => {
  it("'down' closes the connection without an answer", async () => {
    mock.fail('down')
    await expect(fetch(mock.jwksUri)).rejects.toThrow(TypeError)
    expect(mock.requests.jwks).toBe(1)
  })

  it("'slow' answers normally after slowMs", async () => {
    mock.fail('slow', { endpoints: ['jwks'] })
    const started = performance.now()
    const response = await fetch(mock.jwksUri)
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    expect(await response.json()).toEqual(mock.jwks())
  })

  it("'garbage' answers 200 with a JSON content type and a body that is not JSON", async () => {
    mock.fail('garbage')
    const response = await fetch(mock.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const text = await response.text()
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  it("'500' answers 500", async () => {
    mock.fail('500')
    const response = await fetch(discoveryUrl)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ message: 'Internal Server Error' })
  })

  it("'429' answers 429 with Retry-After: 1", async () => {
    mock.fail('429', { endpoints: ['token'] })
    const response = await tokenRequest()
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
  })

  it("'oversized' answers 200 with an 8 MiB chunked body", async () => {
    mock.fail('oversized')
    const response = await fetch(mock.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBeNull()
    expect(response.headers.get('transfer-encoding')).toBe('chunked')
    expect((await response.arrayBuffer()).byteLength).toBe(8 * 1024 * 1024)
  })

  it("'redirect' answers 302 to a copy of the endpoint that a following client would use", async () => {
    mock.fail('redirect')
    const response = await fetch(mock.jwksUri, { redirect: 'manual' })
    expect(response.status).toBe(302)
    const location = response.headers.get('location')
    expect(location).toBe(`${mock.issuer}/redirected/.well-known/jwks`)
    expect(await (await fetch(mock.jwksUri)).json()).toEqual(mock.jwks())
    expect(mock.requests.jwks).toBe(2)
  })

  it('fails only the endpoints named, leaving the others working', async () => {
    mock.fail('500', { endpoints: ['jwks'] })
    expect((await fetch(mock.jwksUri)).status).toBe(500)
    expect((await fetch(discoveryUrl)).status).toBe(200)
    expect((await tokenRequest()).status).toBe(200)
  })

  it('clears itself after `times` requests, counted over all the endpoints of the call', async () => {
    mock.fail('500', { times: 2 })
    expect((await fetch(discoveryUrl)).status).toBe(500)
    expect((await fetch(mock.jwksUri)).status).toBe(500)
    expect((await fetch(mock.jwksUri)).status).toBe(200)
    expect((await fetch(discoveryUrl)).status).toBe(200)
  })

  it("clears with 'none', for the named endpoints only", async () => {
    mock.fail('500')
    mock.fail('none', { endpoints: ['discovery'] })
    expect((await fetch(discoveryUrl)).status).toBe(200)
    expect((await fetch(mock.jwksUri)).status).toBe(500)
    mock.fail('none')
    expect((await fetch(mock.jwksUri)).status).toBe(200)
  })

  it('rejects unknown modes, endpoints and counts with a TypeError', () => {
    expect(() => mock.fail('404' as 'none')).toThrow(/^fail: mode/)
    expect(() => mock.fail('500', { endpoints: ['userinfo' as 'jwks'] })).toThrow(/^fail: options\.endpoints/)
    expect(() => mock.fail('500', { times: 0 })).toThrow(/^fail: options\.times/)
    expect(() => mock.fail('500', { times: 1.5 })).toThrow(/^fail: options\.times/)
  })
})

describe('requests', () => {
  it('counts every request per endpoint, faulty ones included, until resetCounts()', async () => {
    const counts = mock.requests
    await fetch(discoveryUrl)
    await fetch(mock.jwksUri)
    mock.fail('500', { endpoints: ['jwks'], times: 1 })
    await fetch(mock.jwksUri)
    await tokenRequest()
    await fetch(`${mock.issuer}/_apis/token`)
    await fetch(`${mock.issuer}/unknown`)
    expect(counts).toEqual({ discovery: 1, jwks: 2, token: 2 })
    mock.resetCounts()
    expect(mock.requests).toEqual({ discovery: 0, jwks: 0, token: 0 })
  })
})
