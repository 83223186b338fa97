import { createPublicKey, type KeyObject, verify } from 'node:crypto'
import type { PublicKeyHandle, RsaPublicJwk } from './crypto-port.js'

/** Node.js port: synchronous `crypto.verify` on cached `KeyObject`s (DESIGN §8). */

export async function importRsaPublicKey(jwk: RsaPublicJwk): Promise<PublicKeyHandle> {
  return createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' })
}

export function verifyRs256(key: PublicKeyHandle, signingInput: string, signature: Uint8Array): boolean {
  try {
    return verify('RSA-SHA256', Buffer.from(signingInput, 'latin1'), key as KeyObject, signature)
  } catch {
    return false
  }
}

export function decodeBase64url(input: string): Uint8Array {
  return Buffer.from(input, 'base64url')
}

export function decodeBase64urlText(input: string): string {
  return Buffer.from(input, 'base64url').toString('utf8')
}
