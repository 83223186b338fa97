import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'

/** An RSA signing key of the mock issuer, with its public JWK as GitHub publishes it. */
export interface SigningKey {
  /** 40 upper-case hex characters, like GitHub's `1F2AB834…` key ids. */
  readonly kid: string
  /** base64url SHA-1 thumbprint; `kid` is the same bytes in hex, as in GitHub's keys. */
  readonly x5t: string
  readonly privateKey: KeyObject
  /** `{ kty, alg, use, kid, n, e, x5t }`, without `x5c` (one of GitHub's published keys has none). */
  readonly jwk: Readonly<Record<string, unknown>>
}

/**
 * Generates an RSA key pair. GitHub derives `kid` and `x5t` from its certificate's SHA-1
 * thumbprint; without a certificate the thumbprint of the public key (SPKI DER) stands in.
 */
export function createSigningKey(modulusLength: number): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 })
  const thumbprint = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest()
  const kid = thumbprint.toString('hex').toUpperCase()
  const x5t = thumbprint.toString('base64url')
  const { n, e } = publicKey.export({ format: 'jwk' })
  const jwk = Object.freeze({ kty: 'RSA', alg: 'RS256', use: 'sig', kid, n, e, x5t })
  return { kid, x5t, privateKey, jwk }
}

/** The issuer's keys: one current signing key, the published set, and every key ever generated. */
export class KeyRing {
  #current: SigningKey
  #published: SigningKey[]
  readonly #known = new Map<string, SigningKey>()
  readonly #bits: number

  constructor(modulusLength: number) {
    this.#bits = modulusLength
    this.#current = this.#remember(createSigningKey(modulusLength))
    this.#published = [this.#current]
  }

  get current(): SigningKey {
    return this.#current
  }

  /** A key this issuer generated (published or dropped), or `undefined`. */
  find(kid: string): SigningKey | undefined {
    return this.#known.get(kid)
  }

  /** Makes a new key current, published first; keeps the previous ones unless `dropPrevious`. */
  rotate(dropPrevious: boolean, modulusLength = this.#bits): SigningKey {
    this.#current = this.#remember(createSigningKey(modulusLength))
    this.#published = dropPrevious ? [this.#current] : [this.#current, ...this.#published]
    return this.#current
  }

  /** Signs with the current key. */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): string {
    return signCompact(this.#current.privateKey, header, payload)
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.#published.map((key) => ({ ...key.jwk })) }
  }

  #remember(key: SigningKey): SigningKey {
    this.#known.set(key.kid, key)
    return key
  }
}

/** JWS compact serialization (RFC 7515 §7.1) signed with RSASSA-PKCS1-v1_5 SHA-256 (RS256). */
export function signCompact(key: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${encodeJson(header)}.${encodeJson(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

function encodeJson(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
