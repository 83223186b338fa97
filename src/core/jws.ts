import { decodeBase64url, decodeBase64urlText } from '#crypto'
import { isCanonicalBase64url } from '../lib/base64url.js'
import { TokenInvalidError } from './errors.js'

/** A token larger than this is rejected before any parsing (DESIGN §3.2 rule 1). GitHub's are ~2 KiB. */
export const MAX_TOKEN_LENGTH = 16 * 1024

/** A compact JWS split and decoded. Nothing in it is trusted until the signature is verified. */
export interface ParsedToken {
  readonly kid: string
  readonly payload: Record<string, unknown>
  /** `base64url(header) + '.' + base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: string
  readonly signature: Uint8Array
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) and checks its header (DESIGN §3.2 rules 2–3):
 * three non-empty segments, a canonical base64url signature, JSON objects, `alg` exactly `RS256`,
 * a `kid`, no `crit`. Nothing decoded here is trusted before the signature is verified.
 *
 * Does not check: the signature, the issuer, any claim. `jku`, `x5u`, `jwk` and `x5c` name or embed
 * a key chosen by whoever made the token, so they are ignored, never used to find a key (RFC 8725
 * §3.10); only `kid` selects among the configured issuer's keys. `typ` and `x5t` are not checked:
 * GitHub sends them, nothing depends on them.
 */
export function parseToken(token: string): ParsedToken {
  if (token.length > MAX_TOKEN_LENGTH) malformed(`token is larger than ${MAX_TOKEN_LENGTH} bytes`)
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
    malformed('token is not a JWT: expected three dot-separated segments')
  }
  const headerSegment = token.slice(0, first)
  const payloadSegment = token.slice(first + 1, second)
  const signatureSegment = token.slice(second + 1)
  // Only the signature segment is checked here: it is the one part the signature does not cover,
  // and lenient decoders map several strings to the same signature bytes. Header and payload are
  // covered as the exact characters the issuer signed; `isCanonicalToken` classifies them when the
  // signature fails, so scanning ~1 KiB twice is kept off the path of valid tokens (DESIGN §8).
  if (
    headerSegment === '' ||
    payloadSegment === '' ||
    !isCanonicalBase64url(signatureSegment) ||
    signatureSegment === ''
  ) {
    malformed('token segment is not canonical base64url')
  }
  const header = decodeJsonObject(headerSegment, 'header')
  if (header.alg !== 'RS256') {
    throw new TokenInvalidError('ERR_TOKEN_ALGORITHM', 'token algorithm must be RS256', {
      cause: {
        claim: 'alg',
        actual: typeof header.alg === 'string' ? header.alg : typeof header.alg,
        expected: 'RS256',
      },
    })
  }
  if (typeof header.kid !== 'string' || header.kid === '') malformed('token header has no kid', 'kid')
  if (header.crit !== undefined) malformed('token header has crit: no critical extension is supported', 'crit')
  const payload = decodeJsonObject(payloadSegment, 'payload')
  return {
    kid: header.kid,
    payload,
    signingInput: token.slice(0, second),
    signature: decodeBase64url(signatureSegment),
  }
}

/** Whether every segment of a three-segment token is canonical base64url (RFC 7515 §2). */
export function isCanonicalToken(token: string): boolean {
  return token.split('.').every((segment) => segment !== '' && isCanonicalBase64url(segment))
}

function decodeJsonObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(decodeBase64urlText(segment))
  } catch (error) {
    malformed(`token ${part} is not JSON`, undefined, error)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    malformed(`token ${part} is not a JSON object`)
  }
  return value as Record<string, unknown>
}

function malformed(message: string, claim?: string, error?: unknown): never {
  const cause = claim === undefined ? (error === undefined ? undefined : { error }) : { claim }
  throw new TokenInvalidError('ERR_TOKEN_MALFORMED', message, cause === undefined ? undefined : { cause })
}
