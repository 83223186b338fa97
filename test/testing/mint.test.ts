import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

const NOW = new Date('2026-03-01T12:00:00Z')
const NOW_SECONDS = NOW.getTime() / 1000
let mock: MockIssuer

beforeAll(async () => {
  mock = await createMockIssuer({ now: () => NOW })
})
afterAll(() => mock.close())

describe('mint', () => {
  it('dates tokens by the issuer clock: nbf 5 minutes before iat, exp 5 minutes after', () => {
    const claims = decodeJwt(mock.mint())
    expect(claims).toMatchObject({ iat: NOW_SECONDS, nbf: NOW_SECONDS - 300, exp: NOW_SECONDS + 300 })
  })

  it('takes the lifetime and issue time from the options', () => {
    const claims = decodeJwt(mock.mint({}, { issuedAt: 1_000_000, expiresIn: 21_600 }))
    expect(claims).toMatchObject({ iat: 1_000_000, nbf: 999_700, exp: 1_021_600 })
  })

  it('gives every token a fresh random UUID jti', () => {
    const a = decodeJwt(mock.mint()).jti
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(decodeJwt(mock.mint()).jti).not.toBe(a)
  })

  it('sends every claim but exp, iat and nbf as a string, sorted by name like GitHub’s 2025 tokens', () => {
    for (const preset of ['push', 'pull_request', 'environment', 'tag', 'reusable', 'self-hosted'] as const) {
      const claims = decodeJwt(mock.mint({}, { preset }))
      const keys = Object.keys(claims)
      expect(keys).toEqual([...keys].sort())
      for (const [name, value] of Object.entries(claims)) {
        expect([name, typeof value]).toEqual([name, ['exp', 'iat', 'nbf'].includes(name) ? 'number' : 'string'])
      }
      expect(claims).not.toHaveProperty('enterprise')
      expect(claims).not.toHaveProperty('enterprise_id')
    }
  })

  it('uses https://github.com/<repository_owner> as the default audience, like GitHub', () => {
    expect(decodeJwt(mock.mint()).aud).toBe('https://github.com/octo-org')
    expect(decodeJwt(mock.mint({ repository: 'acme/api' })).aud).toBe('https://github.com/acme')
  })

  it('prefers an aud claim over the audience option over the defaultAudience option', async () => {
    const other = await createMockIssuer({ defaultAudience: 'default-aud', keyBits: 1024 })
    try {
      expect(decodeJwt(other.mint()).aud).toBe('default-aud')
      expect(decodeJwt(other.mint({}, { audience: 'option' })).aud).toBe('option')
      expect(decodeJwt(other.mint({ aud: ['a', 'b'] }, { audience: 'option' })).aud).toEqual(['a', 'b'])
    } finally {
      await other.close()
    }
  })

  it('overrides any claim, registered ones included, and removes claims set to undefined', () => {
    const claims = decodeJwt(
      mock.mint({
        iss: 'https://elsewhere',
        exp: 5,
        run_attempt: '3',
        repo_property_team: 'core',
        jti: undefined,
        sub: undefined,
      }),
    )
    expect(claims).toMatchObject({ iss: 'https://elsewhere', exp: 5, run_attempt: '3', repo_property_team: 'core' })
    expect(claims).not.toHaveProperty('jti')
    expect(claims).not.toHaveProperty('sub')
  })

  it('derives sub, repository_owner and the workflow refs from an overridden repository', () => {
    const claims = decodeJwt(mock.mint({ repository: 'acme/api' }))
    expect(claims).toMatchObject({
      repository: 'acme/api',
      repository_owner: 'acme',
      sub: 'repo:acme/api:ref:refs/heads/main',
      workflow_ref: 'acme/api/.github/workflows/ci.yml@refs/heads/main',
      job_workflow_ref: 'acme/api/.github/workflows/ci.yml@refs/heads/main',
    })
  })

  it('keeps sub and other derived claims exactly as overridden', () => {
    const claims = decodeJwt(mock.mint({ repository: 'acme/api', repository_owner: 'evil', sub: 'custom' }))
    expect(claims).toMatchObject({ repository: 'acme/api', repository_owner: 'evil', sub: 'custom' })
  })

  it('builds sub from an overridden environment or ref like GitHub', () => {
    expect(decodeJwt(mock.mint({ environment: 'staging' })).sub).toBe('repo:octo-org/octo-repo:environment:staging')
    expect(decodeJwt(mock.mint({ ref: 'refs/heads/dev' })).sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/dev')
    expect(decodeJwt(mock.mint({ ref: undefined })).sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main')
  })

  it('signs with GitHub’s header shape, extended or overridden by options.header', () => {
    expect(decodeProtectedHeader(mock.mint())).toEqual({
      alg: 'RS256',
      kid: mock.currentKid,
      typ: 'JWT',
      x5t: mock.currentJwk.x5t,
    })
    const header = decodeProtectedHeader(
      mock.mint({}, { header: { jku: 'https://evil.example/jwks', typ: undefined } }),
    )
    expect(header).toEqual({
      alg: 'RS256',
      kid: mock.currentKid,
      x5t: mock.currentJwk.x5t,
      jku: 'https://evil.example/jwks',
    })
  })

  it('produces a token jose verifies at the pinned clock', async () => {
    const { payload } = await jwtVerify(mock.mint(), createRemoteJWKSet(new URL(mock.jwksUri)), {
      issuer: mock.issuer,
      audience: 'https://github.com/octo-org',
      currentDate: NOW,
    })
    expect(payload.repository_id).toBe('704381219')
  })

  it('rejects unknown presets, unknown key ids and non-finite times with a TypeError', () => {
    expect(() => mock.mint({}, { preset: 'deploy' as 'push' })).toThrow(/^mint: options\.preset/)
    expect(() => mock.mint({}, { kid: 'nope' })).toThrow(/^mint: options\.kid/)
    expect(() => mock.mint({}, { expiresIn: Number.POSITIVE_INFINITY })).toThrow(/^mint: options\.expiresIn/)
    expect(() => mock.mint({}, { issuedAt: Number.NaN })).toThrow(/^mint: options\.issuedAt/)
    expect(() => mock.mint({}, { audience: 5 as unknown as string })).toThrow(/^mint: options\.audience/)
  })
})
