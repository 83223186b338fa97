import { describe, expect, it } from 'vitest'
import { readBearerToken } from '../../src/core/bearer.js'
import { thrownCode } from '../helpers/code-of.js'

const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'

const codeOf = (input: Parameters<typeof readBearerToken>[0]) => thrownCode(() => readBearerToken(input))

describe('readBearerToken', () => {
  it('reads the token of "Bearer <token>"', () => {
    expect(readBearerToken(`Bearer ${token}`)).toBe(token)
  })

  it('treats the scheme case-insensitively (lower-case bearer, BEARER)', () => {
    expect(readBearerToken(`bearer ${token}`)).toBe(token)
    expect(readBearerToken(`BEARER ${token}`)).toBe(token)
  })

  it('accepts several spaces or a tab between scheme and token, and trailing whitespace', () => {
    expect(readBearerToken(`Bearer   ${token}`)).toBe(token)
    expect(readBearerToken(`Bearer\t${token} `)).toBe(token)
  })

  it('reads the header from a Request, from Headers and from a one-element list', () => {
    const request = new Request('http://127.0.0.1/', { headers: { authorization: `Bearer ${token}` } })
    expect(readBearerToken(request)).toBe(token)
    expect(readBearerToken(request.headers)).toBe(token)
    expect(readBearerToken([`Bearer ${token}`])).toBe(token)
  })

  it('reports a missing token for no header, an empty header and another scheme', () => {
    expect(codeOf(undefined)).toBe('ERR_TOKEN_MISSING')
    expect(codeOf(null)).toBe('ERR_TOKEN_MISSING')
    expect(codeOf('')).toBe('ERR_TOKEN_MISSING')
    expect(codeOf('   ')).toBe('ERR_TOKEN_MISSING')
    expect(codeOf([])).toBe('ERR_TOKEN_MISSING')
    expect(codeOf(new Request('http://127.0.0.1/'))).toBe('ERR_TOKEN_MISSING')
    expect(codeOf('Basic dXNlcjpwYXNz')).toBe('ERR_TOKEN_MISSING')
  })

  it('refuses a bare "Bearer" as an invalid request', () => {
    expect(codeOf('Bearer')).toBe('ERR_REQUEST_INVALID')
    expect(codeOf('Bearer   ')).toBe('ERR_REQUEST_INVALID')
  })

  it('refuses two tokens as an invalid request', () => {
    expect(codeOf(`Bearer ${token} ${token}`)).toBe('ERR_REQUEST_INVALID')
  })

  it('refuses two Authorization headers, as a list or joined by Headers', () => {
    expect(codeOf([`Bearer ${token}`, `Bearer ${token}`])).toBe('ERR_REQUEST_INVALID')
    const headers = new Headers()
    headers.append('authorization', `Bearer ${token}`)
    headers.append('authorization', `Bearer ${token}`)
    expect(codeOf(headers)).toBe('ERR_REQUEST_INVALID')
    expect(codeOf(`Basic abc, Bearer ${token}`)).toBe('ERR_REQUEST_INVALID')
  })

  it('refuses a scheme that is not an RFC 7230 token as an invalid request', () => {
    expect(codeOf('Bearer\u00a0abc')).toBe('ERR_REQUEST_INVALID')
    expect(codeOf('Bearer=abc')).toBe('ERR_REQUEST_INVALID')
    expect(codeOf('Be"arer abc')).toBe('ERR_REQUEST_INVALID')
  })

  it('leaves the token’s characters to parseToken, which calls them a malformed token', () => {
    expect(readBearerToken('Bearer a"b')).toBe('a"b')
    expect(readBearerToken('Bearer a;b\u0000')).toBe('a;b\u0000')
  })

  it('refuses a header over 16 KiB without running a pattern on it', () => {
    expect(codeOf(`Bearer ${'a'.repeat(100 * 1024)}`)).toBe('ERR_TOKEN_MALFORMED')
  })
})
