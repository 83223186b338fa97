import { describe, expect, it } from 'vitest'
import { isCanonicalToken, parseToken } from '../../src/core/jws.js'
import { thrownCode } from '../helpers/code-of.js'

const encode = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const header = { alg: 'RS256', kid: 'k1', typ: 'JWT' }
const payload = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:o/r:ref:refs/heads/main' }
const signature = Buffer.alloc(256, 7).toString('base64url')
const jwt = (h: unknown = header, p: unknown = payload, s = signature) => `${encode(h)}.${encode(p)}.${s}`

const codeOf = (token: string) => thrownCode(() => parseToken(token))

describe('parseToken', () => {
  it('splits a compact JWS into kid, payload, signing input and signature bytes', () => {
    const token = jwt()
    const parsed = parseToken(token)
    expect(parsed.kid).toBe('k1')
    expect(parsed.payload).toEqual(payload)
    expect(parsed.signingInput).toBe(token.slice(0, token.lastIndexOf('.')))
    expect(Buffer.from(parsed.signature)).toEqual(Buffer.alloc(256, 7))
  })

  it('rejects a wrong number of segments', () => {
    for (const token of ['', 'abc', 'a.b', `${jwt()}.x`, `${jwt()}.`, 'a.b.c.d.e']) {
      expect(codeOf(token)).toBe('ERR_TOKEN_MALFORMED')
    }
  })

  it('rejects empty segments and a signature segment that is not canonical base64url', () => {
    const [h, p, s] = jwt().split('.') as [string, string, string]
    for (const token of [`.${p}.${s}`, `${h}..${s}`, `${h}.${p}.`, `${h}.${p}.${s} `, `${h}.${p}.${s}=`]) {
      expect(codeOf(token)).toBe('ERR_TOKEN_MALFORMED')
    }
    expect(codeOf(`${h}.${p}.${s.slice(0, -1)}+`)).toBe('ERR_TOKEN_MALFORMED')
  })

  it('tells canonical tokens from ones with whitespace, padding or other characters in any segment', () => {
    const [h, p, s] = jwt().split('.') as [string, string, string]
    expect(isCanonicalToken(`${h}.${p}.${s}`)).toBe(true)
    for (const token of [` ${h}.${p}.${s}`, `${h}.${p}=.${s}`, `${h}.${p}*.${s}`, `${h}.${p}.${s}.x`, `${h}..${s}`]) {
      expect(isCanonicalToken(token)).toBe(false)
    }
  })

  it('rejects a header or payload that is not a JSON object', () => {
    for (const part of ['null', '[]', '"x"', '42', 'true', '{', 'not json']) {
      expect(codeOf(`${encode(part)}.${encode(payload)}.${signature}`)).toBe('ERR_TOKEN_MALFORMED')
      expect(codeOf(`${encode(header)}.${encode(part)}.${signature}`)).toBe('ERR_TOKEN_MALFORMED')
    }
  })

  it('rejects every algorithm but RS256, case-sensitively', () => {
    for (const alg of ['none', 'None', 'HS256', 'RS512', 'PS256', 'ES256', 'rs256', '', undefined, 256]) {
      expect(codeOf(jwt({ ...header, alg }))).toBe('ERR_TOKEN_ALGORITHM')
    }
  })

  it('requires a non-empty string kid', () => {
    for (const kid of [undefined, '', 42, null, ['k1']]) {
      expect(codeOf(jwt({ ...header, kid }))).toBe('ERR_TOKEN_MALFORMED')
    }
  })

  it('rejects crit, whatever it lists', () => {
    expect(codeOf(jwt({ ...header, crit: ['exp'] }))).toBe('ERR_TOKEN_MALFORMED')
    expect(codeOf(jwt({ ...header, crit: [] }))).toBe('ERR_TOKEN_MALFORMED')
  })

  it('rejects a token over 16 KiB before decoding it', () => {
    const big = jwt(header, { ...payload, padding: 'x'.repeat(100 * 1024) })
    expect(codeOf(big)).toBe('ERR_TOKEN_MALFORMED')
  })

  it('does not treat jku, x5u, jwk or x5c as a reason to fail or a key to use', () => {
    const parsed = parseToken(
      jwt({ ...header, jku: 'https://evil.example/jwks', x5u: 'x', jwk: { kty: 'RSA' }, x5c: ['x'] }),
    )
    expect(parsed.kid).toBe('k1')
  })

  it('keeps a __proto__ member as plain data', () => {
    const parsed = parseToken(`${encode(header)}.${encode('{"__proto__":{"polluted":1},"sub":"x"}')}.${signature}`)
    expect(Object.getPrototypeOf(parsed.payload)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
