import { describe, expect, it } from 'vitest'
import * as nodePort from '../../src/lib/crypto-node.js'
import type { CryptoPort, RsaPublicJwk } from '../../src/lib/crypto-port.js'
import * as webPort from '../../src/lib/crypto-web.js'
import { type RealToken, realTokens } from '../helpers/github-real.js'

/**
 * The two `#crypto` ports must give the same verdict on GitHub's own tokens: a runtime's conditions
 * choose the port, so a difference would make a token valid on one runtime and not on another.
 */
const ports: readonly (readonly [string, CryptoPort])[] = [
  ['node:crypto', nodePort],
  ['WebCrypto', webPort],
]

function keyOf(real: RealToken, kid: string): RsaPublicJwk {
  const keys = (real.jwks as { keys: (RsaPublicJwk & { kid: string })[] }).keys
  const jwk = keys.find((key) => key.kid === kid)
  if (jwk === undefined) throw new Error(`${real.name}: no key ${kid} in its key set`)
  return jwk
}

function partsOf(real: RealToken) {
  const [header, payload, signature] = real.token.split('.') as [string, string, string]
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string }
  return { header, payload, signature, kid }
}

/** Every port's verdict on `signingInput` and `signature` (base64url) under `jwk`. */
async function verdicts(jwk: RsaPublicJwk, signingInput: string, signature: string): Promise<boolean[]> {
  return Promise.all(
    ports.map(async ([, port]) =>
      port.verifyRs256(await port.importRsaPublicKey(jwk), signingInput, port.decodeBase64url(signature)),
    ),
  )
}

describe.each(realTokens)('the node:crypto and WebCrypto ports on GitHub $name', (real) => {
  const { header, payload, signature, kid } = partsOf(real)

  it('both accept its signature with the key its kid names', async () => {
    expect(await verdicts(keyOf(real, kid), `${header}.${payload}`, signature)).toEqual([true, true])
  })

  it('both reject it once one claim of the payload is changed', async () => {
    const forged = Buffer.from(JSON.stringify({ ...real.payload, repository: 'evil-org/evil-repo' })).toString(
      'base64url',
    )
    expect(await verdicts(keyOf(real, kid), `${header}.${forged}`, signature)).toEqual([false, false])
  })

  it('both reject its signature with another key of the same key set', async () => {
    const keys = (real.jwks as { keys: { kid: string }[] }).keys
    const other = keys.find((key) => key.kid !== kid)
    expect(other).toBeDefined()
    expect(await verdicts(keyOf(real, other?.kid ?? ''), `${header}.${payload}`, signature)).toEqual([false, false])
  })

  it('both reject a signature with one bit flipped', async () => {
    const bytes = Buffer.from(signature, 'base64url')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1
    expect(await verdicts(keyOf(real, kid), `${header}.${payload}`, bytes.toString('base64url'))).toEqual([
      false,
      false,
    ])
  })

  it('both decode its payload to the same claims', () => {
    const decoded = ports.map(([, port]) => JSON.parse(port.decodeBase64urlText(payload)))
    expect(decoded).toEqual([real.payload, real.payload])
  })
})
