import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/core/verify.js'
import { codeOf } from '../helpers/code-of.js'
import { GITHUB_ISSUER, githubFetch, type RealToken, realTokens } from '../helpers/github-real.js'

function verifierFor(fixture: RealToken, at = fixture.payload.iat + 1) {
  return createVerifier({
    audience: fixture.payload.aud,
    policy: 'any',
    fetch: githubFetch(fixture.jwks),
    currentDate: new Date(at * 1000),
  })
}

describe.each(realTokens)('the real GitHub token $name', (fixture) => {
  it('is accepted with its own audience and the clock inside its lifetime', async () => {
    const claims = await verifierFor(fixture).verify(fixture.token)
    expect(claims.iss).toBe(GITHUB_ISSUER)
    expect(claims.aud).toBe(fixture.payload.aud)
    expect(claims.repository).toBe(fixture.payload.repository)
    expect(claims.repository_owner_id).toMatch(/^\d+$/)
  })

  it('is accepted through authenticate() with a Bearer header', async () => {
    const claims = await verifierFor(fixture).authenticate(`Bearer ${fixture.token}`)
    expect(claims.sub).toBe(fixture.payload.sub)
  })

  it('is rejected as expired once its exp has passed (beyond the 30 s tolerance)', async () => {
    expect(await codeOf(verifierFor(fixture, fixture.payload.exp + 31).verify(fixture.token))).toBe('ERR_TOKEN_EXPIRED')
  })

  it('is rejected for another audience', async () => {
    const verifier = createVerifier({
      audience: 'https://other.example',
      policy: 'any',
      fetch: githubFetch(fixture.jwks),
      currentDate: new Date((fixture.payload.iat + 1) * 1000),
    })
    expect(await codeOf(verifier.verify(fixture.token))).toBe('ERR_TOKEN_AUDIENCE')
  })

  it('is rejected after any single-byte change to any segment', async () => {
    const verifier = verifierFor(fixture)
    const { token } = fixture
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    let tried = 0
    for (let i = 0; i < token.length; i++) {
      const original = token[i] as string
      // Every position; for each, a different base64url character and a character outside the alphabet.
      const replacement = original === '.' ? 'A' : alphabet[(alphabet.indexOf(original) + 1) % 64]
      for (const char of [replacement, '*']) {
        const mutated = `${token.slice(0, i)}${char}${token.slice(i + 1)}`
        const code = await codeOf(verifier.verify(mutated))
        if (code === 'ok') throw new Error(`accepted a token changed at byte ${i}`)
        tried++
      }
    }
    expect(tried).toBe(token.length * 2)
  })
})

describe('the real GitHub key sets', () => {
  it('are fetched once for all tokens they verify', async () => {
    const fixture = realTokens[0] as RealToken
    const fetch = githubFetch(fixture.jwks)
    const verifier = createVerifier({
      audience: fixture.payload.aud,
      policy: 'any',
      fetch,
      currentDate: new Date((fixture.payload.iat + 1) * 1000),
      cacheSize: 0,
    })
    for (let i = 0; i < 5; i++) await verifier.verify(fixture.token)
    expect(fetch.urls).toEqual([
      `${GITHUB_ISSUER}/.well-known/openid-configuration`,
      `${GITHUB_ISSUER}/.well-known/jwks`,
    ])
  })

  it('do not verify a token signed by a key they lack', async () => {
    const token9 = realTokens.find((fixture) => fixture.name === 'token-9.jwt') as RealToken
    const jwks1 = (realTokens[0] as RealToken).jwks
    const verifier = createVerifier({
      audience: token9.payload.aud,
      policy: 'any',
      fetch: githubFetch(jwks1),
      currentDate: new Date((token9.payload.iat + 1) * 1000),
    })
    expect(await codeOf(verifier.verify(token9.token))).toBe('ERR_TOKEN_SIGNATURE')
  })
})

describe('a fixed key set (keys.jwks)', () => {
  const fixture = realTokens[0] as RealToken
  const refuse = (async () => {
    throw new Error('no request may be made with a fixed key set')
  }) as typeof fetch

  it('verifies a real token offline, without any request', async () => {
    const verifier = createVerifier({
      audience: fixture.payload.aud,
      policy: 'any',
      fetch: refuse,
      keys: { jwks: fixture.jwks as { keys: unknown[] } },
      currentDate: new Date((fixture.payload.iat + 1) * 1000),
    })
    expect((await verifier.verify(fixture.token)).repository).toBe(fixture.payload.repository)
  })

  it('calls a kid missing from the set a signature failure, not an outage', async () => {
    const token9 = realTokens.find((candidate) => candidate.name === 'token-9.jwt') as RealToken
    const verifier = createVerifier({
      audience: token9.payload.aud,
      policy: 'any',
      fetch: refuse,
      keys: { jwks: fixture.jwks as { keys: unknown[] } },
      currentDate: new Date((token9.payload.iat + 1) * 1000),
    })
    expect(await codeOf(verifier.verify(token9.token))).toBe('ERR_TOKEN_SIGNATURE')
    expect(await codeOf(verifier.verify(token9.token))).toBe('ERR_TOKEN_SIGNATURE')
  })
})
