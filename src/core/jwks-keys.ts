import { decodeBase64url, importRsaPublicKey } from '#crypto'
import { isCanonicalBase64url } from '../lib/base64url.js'
import type { PublicKeyHandle } from '../lib/crypto-port.js'

/** Which keys of a JWKS document may verify a token (DESIGN §3.2 rule 4). */

/** GitHub publishes 2–4 keys; entries beyond this are ignored. */
const MAX_KEYS = 100
const MIN_MODULUS_BITS = 2048

export interface KeyEntry {
  readonly n: string
  readonly e: string
  readonly key: PublicKeyHandle
}

/**
 * The usable keys of a JWKS document by `kid`: RSA, for signatures (`use`, `alg`, `key_ops`), a
 * modulus of at least 2048 bits, importable. `x5c`/`x5t` are ignored. Keys without a `kid` cannot be
 * selected and are skipped; when two usable keys share a `kid`, the first one in the document wins.
 * A key identical to one in `previous` keeps its handle, so cached verdicts survive a refresh.
 */
export async function importKeys(
  jwks: unknown,
  previous: ReadonlyMap<string, KeyEntry> | undefined,
): Promise<Map<string, KeyEntry>> {
  const list = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined
  const candidates = Array.isArray(list) ? list.slice(0, MAX_KEYS).filter(isUsableJwk) : []
  const imported = await Promise.all(
    candidates.map(async ({ kid, n, e }) => {
      const known = previous?.get(kid)
      if (known !== undefined && known.n === n && known.e === e) return { kid, entry: known }
      try {
        return { kid, entry: { n, e, key: await importRsaPublicKey({ kty: 'RSA', n, e }) } }
      } catch {
        return undefined
      }
    }),
  )
  const keys = new Map<string, KeyEntry>()
  for (const item of imported) {
    if (item !== undefined && !keys.has(item.kid)) keys.set(item.kid, item.entry)
  }
  return keys
}

interface UsableJwk {
  readonly kid: string
  readonly n: string
  readonly e: string
}

function isUsableJwk(value: unknown): value is UsableJwk {
  if (typeof value !== 'object' || value === null) return false
  const jwk = value as Record<string, unknown>
  return (
    jwk.kty === 'RSA' &&
    typeof jwk.kid === 'string' &&
    jwk.kid !== '' &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.alg === undefined || jwk.alg === 'RS256') &&
    (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) &&
    typeof jwk.e === 'string' &&
    isCanonicalBase64url(jwk.e) &&
    isSafeExponent(jwk.e) &&
    typeof jwk.n === 'string' &&
    isCanonicalBase64url(jwk.n) &&
    modulusBits(jwk.n) >= MIN_MODULUS_BITS
  )
}

/** Bit length of the big-endian modulus, leading zero bytes ignored (RFC 7518 §6.3.1.1 forbids them, some issuers send one). */
export function modulusBits(n: string): number {
  const bytes = decodeBase64url(n)
  let start = 0
  while (start < bytes.length && bytes[start] === 0) start++
  const first = bytes[start]
  if (first === undefined) return 0
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(first))
}

/**
 * An odd public exponent from 3 to 2^32 − 1. Node.js imports `e = 1` (or 0), with which any
 * signature equal to the padded hash verifies: refuse it even from the issuer's own key set.
 */
function isSafeExponent(e: string): boolean {
  let value = 0
  for (const byte of decodeBase64url(e)) {
    value = value * 256 + byte
    if (value > 0xffff_ffff) return false
  }
  return value >= 3 && value % 2 === 1
}
