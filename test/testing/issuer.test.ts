import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

let mock: MockIssuer

beforeAll(async () => {
  mock = await createMockIssuer()
})
afterAll(() => mock.close())

describe('createMockIssuer', () => {
  it('listens on 127.0.0.1 and names its issuer and JWKS URL without a trailing slash', () => {
    expect(mock.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(mock.jwksUri).toBe(`${mock.issuer}/.well-known/jwks`)
  })

  it('serves a discovery document shaped like GitHub’s', async () => {
    const response = await fetch(`${mock.issuer}/.well-known/openid-configuration`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      issuer: mock.issuer,
      jwks_uri: mock.jwksUri,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    })
    expect(body.claims_supported).toEqual(expect.arrayContaining(['repository_owner_id', 'check_run_id', 'sub']))
  })

  it('publishes its current key as an RS256 signing JWK with a 40-hex-character kid', async () => {
    const response = await fetch(mock.jwksUri)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('public, max-age=600')
    const body = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(body).toEqual(mock.jwks())
    expect(body.keys).toHaveLength(1)
    expect(body.keys[0]).toEqual({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: mock.currentKid,
      n: expect.any(String),
      e: 'AQAB',
      x5t: expect.any(String),
    })
    expect(mock.currentKid).toMatch(/^[0-9A-F]{40}$/)
    expect(
      Buffer.from(body.keys[0]?.x5t as string, 'base64url')
        .toString('hex')
        .toUpperCase(),
    ).toBe(mock.currentKid)
    expect(Buffer.from(body.keys[0]?.n as string, 'base64url')).toHaveLength(256)
  })

  it('mints a token that jose verifies against the served JWKS, with the issuer and audience asked', async () => {
    const token = mock.mint({}, { audience: 'https://api.example.com' })
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(mock.jwksUri)), {
      issuer: mock.issuer,
      audience: 'https://api.example.com',
      algorithms: ['RS256'],
    })
    expect(payload.iss).toBe(mock.issuer)
    expect(payload.aud).toBe('https://api.example.com')
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: mock.currentKid, typ: 'JWT', x5t: mock.currentJwk.x5t })
  })

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    expect((await fetch(`${mock.issuer}/`)).status).toBe(404)
    expect((await fetch(`${mock.issuer}/.well-known/jwks/extra`)).status).toBe(404)
    const post = await fetch(mock.jwksUri, { method: 'POST', body: '{}' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('exposes the current public JWK, the same one the JWKS publishes', () => {
    expect(decodeProtectedHeader(mock.mint()).kid).toBe(mock.currentKid)
    expect(mock.jwks().keys).toContainEqual(mock.currentJwk)
  })
})

describe('the enterprise-scoped issuer', () => {
  it('serves discovery and the same keys under /<slug>/, with the scoped issuer', async () => {
    const kit = await createMockIssuer({ enterprise: 'acme-corp' })
    try {
      const scoped = `${kit.issuer}/acme-corp`
      const discovery = (await (await fetch(`${scoped}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >
      expect(discovery).toMatchObject({ issuer: scoped, jwks_uri: `${scoped}/.well-known/jwks` })
      expect(await (await fetch(`${scoped}/.well-known/jwks`)).json()).toEqual(kit.jwks())
      expect(kit.requests).toMatchObject({ discovery: 1, jwks: 1 })
      const token = kit.mint({ iss: scoped }, { audience: 'api' })
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${scoped}/.well-known/jwks`)), {
        issuer: scoped,
        audience: 'api',
      })
      expect(payload.iss).toBe(scoped)
    } finally {
      await kit.close()
    }
  })

  it('serves no other slug, no token endpoint under the slug, and nothing without the option', async () => {
    const kit = await createMockIssuer({ enterprise: 'acme' })
    const plain = await createMockIssuer()
    try {
      expect((await fetch(`${kit.issuer}/other/.well-known/openid-configuration`)).status).toBe(404)
      expect((await fetch(`${kit.issuer}/acme/_apis/token?api-version=2.0`)).status).toBe(404)
      expect((await fetch(`${plain.issuer}/acme/.well-known/openid-configuration`)).status).toBe(404)
    } finally {
      await Promise.all([kit.close(), plain.close()])
    }
  })

  it('refuses a slug that is not one', async () => {
    for (const enterprise of ['', 'a/b', '..', 'a b']) {
      await expect(createMockIssuer({ enterprise })).rejects.toThrow(/^options\.enterprise:/)
    }
  })
})
