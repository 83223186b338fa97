// @ts-check
/**
 * The "floor" of DESIGN §8: the least a correct RS256 verifier on `node:crypto` must do. Split,
 * JSON.parse header and payload, pick a cached `KeyObject` by `kid`, `crypto.verify`, then `exp`,
 * `aud` and `iss`. No structural strictness, no identity claims, no policy, no cache: anything a
 * real verifier adds costs time, which is what the 0.9 × target leaves room for.
 */
import { createPublicKey, verify } from 'node:crypto'

/**
 * @param {{ jwks: { keys: Record<string, unknown>[] }, issuer: string, audience: string }} options
 * @returns {(token: string) => Record<string, unknown>}
 */
export function createFloorVerifier({ jwks, issuer, audience }) {
  const keys = new Map(
    jwks.keys.map((jwk) => [
      jwk.kid,
      createPublicKey({ key: /** @type {import('node:crypto').JsonWebKey} */ (jwk), format: 'jwk' }),
    ]),
  )
  return function floorVerify(token) {
    const first = token.indexOf('.')
    const second = token.indexOf('.', first + 1)
    if (first < 0 || second < 0) throw new Error('malformed')
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'))
    if (header.alg !== 'RS256') throw new Error('alg')
    const key = keys.get(header.kid)
    if (key === undefined) throw new Error('kid')
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'))
    const signature = Buffer.from(token.slice(second + 1), 'base64url')
    if (!verify('RSA-SHA256', Buffer.from(token.slice(0, second), 'latin1'), key, signature)) {
      throw new Error('signature')
    }
    if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) throw new Error('exp')
    if (payload.aud !== audience) throw new Error('aud')
    if (payload.iss !== issuer) throw new Error('iss')
    return payload
  }
}
