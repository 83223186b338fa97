import type { PublicKeyHandle, RsaPublicJwk } from './crypto-port.js'

/**
 * Web port: WebCrypto with cached `CryptoKey`s, for runtimes without the `node` condition (workerd,
 * browsers). Bun and Deno set `node` and load crypto-node.ts.
 */

type WebCryptoKey = Parameters<typeof crypto.subtle.verify>[1]

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export async function importRsaPublicKey(jwk: RsaPublicJwk): Promise<PublicKeyHandle> {
  return crypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e, ext: true }, RS256, false, ['verify'])
}

export async function verifyRs256(key: PublicKeyHandle, signingInput: string, signature: Uint8Array): Promise<boolean> {
  try {
    return await crypto.subtle.verify(
      RS256,
      key as WebCryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      encoder.encode(signingInput),
    )
  } catch {
    return false
  }
}

export function decodeBase64url(input: string): Uint8Array {
  const binary = atob(input.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function decodeBase64urlText(input: string): string {
  return decoder.decode(decodeBase64url(input))
}
