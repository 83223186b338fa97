import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

let mock: MockIssuer

beforeAll(async () => {
  mock = await createMockIssuer()
})
afterEach(() => mock.setTokenClaims())
afterAll(() => mock.close())

/** Requests a token the way a job does: the env URL, plus `audience` when given. */
async function request(audience?: string, authorization = `Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`) {
  const url = new URL(mock.env.ACTIONS_ID_TOKEN_REQUEST_URL)
  if (audience !== undefined) url.searchParams.set('audience', audience)
  return fetch(url, { headers: { Authorization: authorization } })
}

describe('token endpoint', () => {
  it('is given to jobs as the ACTIONS_ID_TOKEN_REQUEST_URL with api-version=2.0, and a request token', () => {
    expect(mock.env.ACTIONS_ID_TOKEN_REQUEST_URL).toBe(`${mock.issuer}/_apis/token?api-version=2.0`)
    expect(mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })

  it('answers { count, value } with a token that verifies for the audience asked', async () => {
    const response = await request('https://api.example.com')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { count: number; value: string }
    expect(Object.keys(body)).toEqual(['count', 'value'])
    expect(body.count).toBe(body.value.length)
    const { payload } = await jwtVerify(body.value, createRemoteJWKSet(new URL(mock.jwksUri)), {
      issuer: mock.issuer,
      audience: 'https://api.example.com',
    })
    expect(payload.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main')
  })

  it('uses https://github.com/<owner> as the audience when none is asked, or an empty one', async () => {
    for (const audience of [undefined, '']) {
      const { value } = (await (await request(audience)).json()) as { value: string }
      expect(decodeJwt(value).aud).toBe('https://github.com/octo-org')
    }
  })

  it.each([
    ['a query separator', 'https://api.example.com/?x=1&y=2'],
    ['spaces and plus signs', 'my api + more'],
    ['non-ASCII text', 'ünïcødé-観客-🚀'],
    ['percent signs', '100%25 sure %'],
  ])('round-trips an audience with %s into aud', async (_, audience) => {
    const { value } = (await (await request(audience)).json()) as { value: string }
    expect(decodeJwt(value).aud).toBe(audience)
  })

  it('decodes an audience that the actions toolkit appended with encodeURIComponent', async () => {
    const audience = 'https://api.example.com/a b?c=d&e'
    const url = `${mock.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    })
    expect(decodeJwt(((await response.json()) as { value: string }).value).aud).toBe(audience)
  })

  it.each([
    ['no Authorization header', undefined],
    ['another token', 'Bearer not-the-request-token'],
    ['another scheme', `Basic ${'x'.repeat(8)}`],
    ['the bare request token', 'TOKEN'],
  ])('answers 401 JSON to a request with %s', async (_, authorization) => {
    const url = new URL(mock.env.ACTIONS_ID_TOKEN_REQUEST_URL)
    const headers =
      authorization === undefined
        ? {}
        : { Authorization: authorization.replace('TOKEN', mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) }
    const response = await fetch(url, { headers })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(await response.json()).toEqual({ message: 'Missing or invalid ACTIONS_ID_TOKEN_REQUEST_TOKEN' })
  })

  it('accepts the Bearer scheme in any case', async () => {
    expect((await request(undefined, `bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`)).status).toBe(200)
  })

  it('answers 400 JSON without the api-version query', async () => {
    const response = await fetch(`${mock.issuer}/_apis/token?audience=x`, {
      headers: { Authorization: `Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'The api-version query parameter is required' })
  })

  it('mints with the claims and options set by setTokenClaims, the asked audience winning', async () => {
    mock.setTokenClaims(
      { repository: 'acme/api', repository_id: '42' },
      { preset: 'environment', audience: 'fallback' },
    )
    const asked = decodeJwt(((await (await request('asked')).json()) as { value: string }).value)
    expect(asked).toMatchObject({
      aud: 'asked',
      repository: 'acme/api',
      repository_id: '42',
      repository_owner: 'acme',
      sub: 'repo:acme/api:environment:production',
    })
    const fallback = decodeJwt(((await (await request()).json()) as { value: string }).value)
    expect(fallback.aud).toBe('fallback')
  })

  it('rejects bad token settings when they are set, not later as a 500', async () => {
    expect(() => mock.setTokenClaims({}, { preset: 'nope' as 'push' })).toThrow(TypeError)
    expect(() => mock.setTokenClaims({}, { kid: 'unknown' })).toThrow(/^setTokenClaims: mint: options\.kid/)
    await expect(createMockIssuer({ tokenOptions: { expiresIn: Number.NaN } })).rejects.toThrow(TypeError)
    expect((await request()).status).toBe(200)
  })

  it('takes its claims from the tokenClaims option', async () => {
    const other = await createMockIssuer({ tokenClaims: { repository_owner_id: '7' }, tokenOptions: { preset: 'tag' } })
    try {
      const url = new URL(other.env.ACTIONS_ID_TOKEN_REQUEST_URL)
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${other.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      })
      const claims = decodeJwt(((await response.json()) as { value: string }).value)
      expect(claims).toMatchObject({ repository_owner_id: '7', ref_type: 'tag', ref: 'refs/tags/v1.2.3' })
      expect(other.requests.token).toBe(1)
    } finally {
      await other.close()
    }
  })
})
