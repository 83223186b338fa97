/**
 * The contract both crypto ports implement (`#crypto` resolves to one of them through package
 * `imports` conditions: `node` → crypto-node.ts, everything else → crypto-web.ts). Keep the two
 * files' exports identical to this interface; test/lib/crypto.test.ts runs both.
 */

/** An imported RSA public key: a `KeyObject` on Node.js, a `CryptoKey` elsewhere. Opaque. */
export type PublicKeyHandle = object

/** A JWK with the RSA public members. */
export interface RsaPublicJwk {
  readonly kty: 'RSA'
  readonly n: string
  readonly e: string
}

export interface CryptoPort {
  /** Imports an RSA public key for RS256 verification. Rejects when the key is unusable. */
  importRsaPublicKey(jwk: RsaPublicJwk): Promise<PublicKeyHandle>
  /** RSASSA-PKCS1-v1_5 with SHA-256 over the ASCII `signingInput`. Never throws: false when invalid. */
  verifyRs256(key: PublicKeyHandle, signingInput: string, signature: Uint8Array): boolean | Promise<boolean>
  /** Decodes base64url that `isCanonicalBase64url` accepted. */
  decodeBase64url(input: string): Uint8Array
  /** Decodes base64url to UTF-8 text (invalid sequences become U+FFFD, as in jose). */
  decodeBase64urlText(input: string): string
}
