import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as nodePort from '../../src/lib/crypto-node.js'
import type { CryptoPort, RsaPublicJwk } from '../../src/lib/crypto-port.js'
import * as webPort from '../../src/lib/crypto-web.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = publicKey.export({ format: 'jwk' }) as RsaPublicJwk
const signingInput = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'
const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey)

const ports: [string, CryptoPort][] = [
  ['node:crypto', nodePort],
  ['WebCrypto', webPort],
]

describe.each(ports)('the %s port', (_name, port) => {
  it('verifies an RS256 signature made by node:crypto', async () => {
    const key = await port.importRsaPublicKey(jwk)
    expect(await port.verifyRs256(key, signingInput, new Uint8Array(signature))).toBe(true)
  })

  it('returns false, without throwing, for a flipped bit, a short signature or other input', async () => {
    const key = await port.importRsaPublicKey(jwk)
    const flipped = new Uint8Array(signature)
    flipped[17] = (flipped[17] ?? 0) ^ 1
    expect(await port.verifyRs256(key, signingInput, flipped)).toBe(false)
    expect(await port.verifyRs256(key, signingInput, flipped.subarray(1))).toBe(false)
    expect(await port.verifyRs256(key, `${signingInput}x`, new Uint8Array(signature))).toBe(false)
    expect(await port.verifyRs256(key, signingInput, new Uint8Array())).toBe(false)
  })

  it('decodes base64url to the same bytes and text as Buffer', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255])
    expect(Buffer.from(port.decodeBase64url(bytes.toString('base64url')))).toEqual(bytes)
    expect(port.decodeBase64urlText(Buffer.from('{"a":"é ✓"}').toString('base64url'))).toBe('{"a":"é ✓"}')
  })
})
