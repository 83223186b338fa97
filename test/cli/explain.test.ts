import { describe, expect, it } from 'vitest'
import { explainFailure, failureJson } from '../../src/cli/explain.js'
import {
  KeysUnavailableError,
  PolicyDeniedError,
  RequestInvalidError,
  TokenInvalidError,
  TokenMissingError,
} from '../../src/index.js'

const AT = Date.parse('2025-03-29T18:00:00Z')

describe('explainFailure: the failed check in plain words, from code and cause', () => {
  it.each([
    [
      new TokenInvalidError('ERR_TOKEN_EXPIRED', 'x', { cause: { claim: 'exp', actual: 1743267827, seconds: 180 } }),
      'token expired 3 min ago (exp 2025-03-29T17:03:47Z)',
    ],
    [
      new TokenInvalidError('ERR_TOKEN_EXPIRED', 'token is older than maxTokenAge (issued 2 h ago)', {
        cause: { claim: 'iat', actual: 1, expected: 60, seconds: 7200 },
      }),
      'token is older than maxTokenAge (issued 2 h ago)',
    ],
    [
      new TokenInvalidError('ERR_TOKEN_NOT_YET_VALID', 'x', {
        cause: { claim: 'nbf', actual: 1743267827, seconds: 90 },
      }),
      'token is not valid for another 90 s (nbf 2025-03-29T17:03:47Z)',
    ],
    [
      new TokenInvalidError('ERR_TOKEN_NOT_YET_VALID', 'x', {
        cause: { claim: 'iat', actual: 1743267827, seconds: 600 },
      }),
      'token was issued 10 min in the future (iat 2025-03-29T17:03:47Z): is a clock wrong?',
    ],
    [
      new TokenInvalidError('ERR_TOKEN_AUDIENCE', 'x', { cause: { claim: 'aud', actual: 'x', expected: ['y'] } }),
      "audience is 'x', expected 'y'",
    ],
    [
      new TokenInvalidError('ERR_TOKEN_AUDIENCE', 'x', {
        cause: { claim: 'aud', actual: ['x', 'y'], expected: ['a', 'b'] },
      }),
      `audience is not a single string (aud: ["x","y"]), expected one of 'a', 'b'`,
    ],
    [
      new TokenInvalidError('ERR_TOKEN_ISSUER', 'x', {
        cause: { claim: 'iss', actual: undefined, expected: ['https://i'] },
      }),
      "token has no issuer (iss), expected 'https://i'",
    ],
    [
      new TokenInvalidError('ERR_TOKEN_ISSUER', "the token's issuer is not accepted"),
      "the token's issuer is not accepted",
    ],
    [
      new TokenInvalidError('ERR_TOKEN_ALGORITHM', 'x', {
        cause: { claim: 'alg', actual: 'HS256', expected: 'RS256' },
      }),
      "algorithm is 'HS256', expected 'RS256'",
    ],
    [
      new TokenInvalidError('ERR_TOKEN_SIGNATURE', 'x', { cause: { claim: 'kid', actual: 'k1' } }),
      "no key with kid 'k1' in the issuer's key set",
    ],
    [
      new TokenInvalidError('ERR_TOKEN_SIGNATURE', 'token signature is invalid'),
      'signature does not verify: the token was altered, or signed with another key',
    ],
    [
      new TokenInvalidError('ERR_TOKEN_CLAIMS', 'claim "sub" is missing: not a GitHub Actions ID token'),
      'claim "sub" is missing: not a GitHub Actions ID token',
    ],
    [new TokenInvalidError('ERR_TOKEN_MALFORMED', 'token header has no kid'), 'token header has no kid'],
    [
      new PolicyDeniedError(undefined, { cause: { reason: 'repository_id is 1' } }),
      'the token is valid, but the policy denies it: repository_id is 1',
    ],
    [new PolicyDeniedError(), 'the token is valid, but the policy denies it: no rule matched'],
    [
      new KeysUnavailableError('k', { cause: { error: new Error('HTTP 500') } }),
      "the issuer's signing keys could not be fetched: HTTP 500",
    ],
    [new KeysUnavailableError('k'), "the issuer's signing keys could not be fetched"],
    [new TokenMissingError(), 'no bearer token in the Authorization header'],
    [new RequestInvalidError('two Authorization headers'), 'two Authorization headers'],
  ])('%s', (error, sentence) => {
    expect(explainFailure(error)).toBe(sentence)
  })

  it('words times relative to --at when one is given', () => {
    const error = new TokenInvalidError('ERR_TOKEN_EXPIRED', 'x', {
      cause: { claim: 'exp', actual: 1743267827, seconds: 3373 },
    })
    expect(explainFailure(error, { at: AT })).toBe(
      'token expired 56 min before 2025-03-29T18:00:00Z (exp 2025-03-29T17:03:47Z)',
    )
  })

  it('escapes control characters that a token put in a claim', () => {
    const error = new TokenInvalidError('ERR_TOKEN_AUDIENCE', 'x', {
      cause: { actual: 'a\u001b[31m', expected: ['b'] },
    })
    expect(explainFailure(error)).toBe("audience is 'a\\u001b[31m', expected 'b'")
  })
})

describe('failureJson', () => {
  it('keeps the details JSON-safe: an underlying error becomes its message', () => {
    const error = new KeysUnavailableError('k', { cause: { error: new Error('HTTP 500') } })
    expect(JSON.parse(JSON.stringify(failureJson(error)))).toEqual({
      code: 'ERR_KEYS_UNAVAILABLE',
      status: 503,
      message: "the issuer's signing keys could not be fetched: HTTP 500",
      details: { error: 'HTTP 500' },
    })
  })
})
