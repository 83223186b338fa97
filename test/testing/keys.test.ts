import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

let mock: MockIssuer

beforeEach(async () => {
  mock = await createMockIssuer()
})
afterEach(() => mock.close())

const publishedKids = async () => {
  const body = (await (await fetch(mock.jwksUri)).json()) as { keys: { kid: string }[] }
  return body.keys.map((key) => key.kid)
}

const verifies = (token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(mock.jwksUri)), { issuer: mock.issuer }).then(
    () => true,
    () => false,
  )

describe('rotateKeys', () => {
  it('makes a new key current and keeps publishing the previous one', async () => {
    const first = mock.currentKid
    const oldToken = mock.mint()
    const second = mock.rotateKeys()
    expect(second).not.toBe(first)
    expect(second).toMatch(/^[0-9A-F]{40}$/)
    expect(mock.currentKid).toBe(second)
    expect(await publishedKids()).toEqual([second, first])
    expect(decodeProtectedHeader(mock.mint()).kid).toBe(second)
    expect(await verifies(oldToken)).toBe(true)
    expect(await verifies(mock.mint())).toBe(true)
  })

  it('stops publishing the previous keys when told to drop them', async () => {
    const first = mock.currentKid
    const oldToken = mock.mint()
    mock.rotateKeys()
    const third = mock.rotateKeys({ dropPrevious: true })
    expect(await publishedKids()).toEqual([third])
    expect(await verifies(oldToken)).toBe(false)
    expect(decodeProtectedHeader(mock.mint({}, { kid: first })).kid).toBe(first)
  })

  it('mints with a previous key on request', async () => {
    const first = mock.currentKid
    mock.rotateKeys()
    const token = mock.mint({}, { kid: first })
    expect(decodeProtectedHeader(token)).toMatchObject({ kid: first })
    expect(await verifies(token)).toBe(true)
  })

  it('generates a key of another size on request, to test that weak keys are refused', async () => {
    mock.rotateKeys({ keyBits: 1024 })
    const jwk = mock.currentJwk as { n: string }
    expect(Buffer.from(jwk.n, 'base64url')).toHaveLength(128)
    expect(() => mock.rotateKeys({ keyBits: 100 })).toThrow(/^rotateKeys: options\.keyBits/)
  })
})

describe('sign', () => {
  it('signs any payload with the current key, defaulting alg to RS256 and kid to the current key', async () => {
    const token = mock.sign({}, { iss: mock.issuer, anything: 1 })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: mock.currentKid })
    expect(decodeJwt(token)).toEqual({ iss: mock.issuer, anything: 1 })
    expect(await verifies(token)).toBe(true)
  })

  it('uses the header as given, omitting kid when it is explicitly undefined', () => {
    const header = { alg: 'none', kid: undefined, crit: ['exp'], x5u: 'https://evil.example' }
    expect(decodeProtectedHeader(mock.sign(header, {}))).toEqual({
      alg: 'none',
      crit: ['exp'],
      x5u: 'https://evil.example',
    })
  })
})
