import { describe, expect, it } from 'vitest'
import {
  KeysUnavailableError,
  PolicyDeniedError,
  RequestInvalidError,
  TokenInvalidError,
  TokenMissingError,
} from '../../src/core/errors.js'
import { toHttpError } from '../../src/core/http.js'

describe('toHttpError', () => {
  it('answers a missing token with 401 and a bare challenge (RFC 6750 §3.1)', () => {
    const answer = toHttpError(new TokenMissingError())
    expect(answer.status).toBe(401)
    expect(answer.headers).toEqual({ 'www-authenticate': 'Bearer realm="github-oidc"' })
    expect(answer.body.error).toBe('unauthorized')
  })

  it('answers a malformed header with 400 invalid_request', () => {
    const answer = toHttpError(new RequestInvalidError('several Authorization headers'))
    expect(answer.status).toBe(400)
    expect(answer.headers).toEqual({ 'www-authenticate': 'Bearer realm="github-oidc", error="invalid_request"' })
    expect(answer.body).toEqual({ error: 'invalid_request', error_description: 'several Authorization headers' })
  })

  it('answers an invalid token with 401 invalid_token saying which check failed', () => {
    const answer = toHttpError(new TokenInvalidError('ERR_TOKEN_EXPIRED', 'token expired 3 min ago'), { realm: 'api' })
    expect(answer.status).toBe(401)
    expect(answer.headers).toEqual({
      'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="token expired 3 min ago"',
    })
    expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'token expired 3 min ago' })
  })

  it('answers a policy denial with 403 insufficient_scope without revealing the policy', () => {
    const error = new PolicyDeniedError(undefined, { cause: { reason: 'repository_owner_id is "1", expected "2"' } })
    const answer = toHttpError(error)
    expect(answer.status).toBe(403)
    expect(answer.headers).toEqual({ 'www-authenticate': 'Bearer realm="github-oidc", error="insufficient_scope"' })
    expect(JSON.stringify(answer)).not.toContain('repository_owner_id')
  })

  it('answers unavailable keys with 503 and Retry-After, no challenge', () => {
    const answer = toHttpError(new KeysUnavailableError('down', { retryAfter: 12.2 }))
    expect(answer.status).toBe(503)
    expect(answer.headers).toEqual({ 'retry-after': '13' })
    expect(answer.body.error).toBe('temporarily_unavailable')
  })

  it('answers an error that is not a verdict with a bare 500 that reveals nothing', () => {
    const answer = toHttpError(new Error('secret detail'))
    expect(answer.status).toBe(500)
    expect(answer.headers).toEqual({})
    expect(JSON.stringify(answer)).not.toContain('secret')
  })

  it('keeps quotes, backslashes and line breaks out of the challenge', () => {
    const error = new TokenInvalidError('ERR_TOKEN_CLAIMS', 'bad "x"\r\nSet-Cookie: a=b\\')
    const header = toHttpError(error, { realm: 'a"b' }).headers['www-authenticate'] ?? ''
    expect(header).not.toMatch(/[\r\n\\]/)
    expect(header).toBe(`Bearer realm="a'b", error="invalid_token", error_description="bad 'x'''Set-Cookie: a=b'"`)
  })
})
