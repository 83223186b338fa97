import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IDENTITY_CLAIMS } from '../../src/core/claims.js'
import { createVerifier, type Verifier } from '../../src/core/verify.js'
import { isCanonicalBase64url } from '../../src/lib/base64url.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { realTokens } from '../helpers/github-real.js'

/**
 * jose is the oracle: for valid, tampered and random tokens, this verifier and jose's `jwtVerify`
 * (configured to the same contract) must reach the same verdict. The one intended difference:
 * this verifier rejects non-canonical base64url, which jose's lenient decoder accepts; such cases
 * are counted and checked to be exactly that.
 */

const AUDIENCE = 'https://api.example.com'
const NOW = 1_750_000_000
const clock = () => new Date(NOW * 1000)

let kit: MockIssuer
let ours: Verifier

beforeAll(async () => {
  kit = await createMockIssuer({ now: clock })
  ours = createVerifier({ audience: AUDIENCE, policy: 'any', issuer: kit.issuer, currentDate: clock, cacheSize: 0 })
})
afterAll(() => kit.close())

/** A seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

async function joseAccepts(token: string, jwks: JSONWebKeySet, issuer: string, audience: string, at: Date) {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer,
      audience,
      algorithms: ['RS256'],
      clockTolerance: 30,
      currentDate: at,
      requiredClaims: ['exp', 'iat', ...IDENTITY_CLAIMS],
    })
    // The contract's rules jose has no option for: a string `aud`, non-empty string identity claims.
    return (
      typeof payload.aud === 'string' &&
      IDENTITY_CLAIMS.every((name) => typeof payload[name] === 'string' && payload[name] !== '')
    )
  } catch {
    return false
  }
}

async function oursAccepts(verifier: Verifier, token: string) {
  return verifier.verify(token).then(
    () => true,
    () => false,
  )
}

const hasNonCanonicalSegment = (token: string) => token.split('.').some((segment) => !isCanonicalBase64url(segment))

function mutate(token: string, next: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
  const chars = [...token]
  const edits = 1 + Math.floor(next() * 3)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * chars.length)
    const kind = next()
    if (kind < 0.6) chars[at] = alphabet[Math.floor(next() * alphabet.length)] as string
    else if (kind < 0.8) chars.splice(at, 1)
    else chars.splice(at, 0, alphabet[Math.floor(next() * alphabet.length)] as string)
  }
  return chars.join('')
}

describe('differential against jose', () => {
  it('agrees on 300 valid, 1500 tampered and 200 random tokens from the testing kit', async () => {
    const next = random(20_251_204)
    const jwks = kit.jwks() as JSONWebKeySet
    const verdicts = { bothAccept: 0, bothReject: 0, onlyJoseNonCanonical: 0 }
    const disagreements: string[] = []
    const presets = ['push', 'pull_request', 'environment', 'tag', 'reusable', 'self-hosted'] as const
    const check = async (token: string) => {
      const [a, b] = await Promise.all([
        oursAccepts(ours, token),
        joseAccepts(token, jwks, kit.issuer, AUDIENCE, clock()),
      ])
      if (a === b) verdicts[a ? 'bothAccept' : 'bothReject']++
      else if (b && !a && hasNonCanonicalSegment(token)) verdicts.onlyJoseNonCanonical++
      else disagreements.push(`ours=${a} jose=${b} for ${token.length}-char token`)
    }
    for (let i = 0; i < 300; i++) {
      const preset = presets[i % presets.length] ?? 'push'
      const audience = next() < 0.8 ? AUDIENCE : 'https://other.example'
      const expiresIn = next() < 0.8 ? 300 : -120
      const token = kit.mint({}, { preset, audience, expiresIn })
      await check(token)
      for (let j = 0; j < 5; j++) await check(mutate(token, next))
    }
    for (let i = 0; i < 200; i++) {
      const length = Math.floor(next() * 600)
      let junk = ''
      for (let j = 0; j < length; j++) junk += String.fromCharCode(32 + Math.floor(next() * 95))
      await check(junk)
    }
    expect(disagreements).toEqual([])
    expect(verdicts.bothAccept).toBeGreaterThan(150)
    expect(verdicts.bothReject).toBeGreaterThan(1500)
  })

  it('agrees on the real GitHub tokens and on every single-character change to them', async () => {
    let compared = 0
    for (const fixture of realTokens) {
      const at = new Date((fixture.payload.iat + 1) * 1000)
      const verifier = createVerifier({
        audience: fixture.payload.aud,
        policy: 'any',
        currentDate: at,
        cacheSize: 0,
        fetch: async (input) => {
          const url = String(input instanceof Request ? input.url : input)
          return url.endsWith('openid-configuration')
            ? Response.json({ issuer: fixture.payload.iss, jwks_uri: `${fixture.payload.iss}/.well-known/jwks` })
            : Response.json(fixture.jwks)
        },
      })
      const jwks = fixture.jwks as JSONWebKeySet
      const issuer = fixture.payload.iss as string
      const { token } = fixture
      for (let i = 0; i < token.length; i += 7) {
        const mutated = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`
        for (const candidate of i === 0 ? [token, mutated] : [mutated]) {
          const a = await oursAccepts(verifier, candidate)
          const b = await joseAccepts(candidate, jwks, issuer, fixture.payload.aud, at)
          if (a !== b)
            expect({ a, b, nonCanonical: hasNonCanonicalSegment(candidate) }).toEqual({
              a: false,
              b: true,
              nonCanonical: true,
            })
          compared++
        }
      }
    }
    expect(compared).toBeGreaterThan(700)
  })
})
