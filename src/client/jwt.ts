import { isCanonicalBase64url } from '../lib/base64url.js'

/** Tokens GitHub issues are 1–3 KiB; the verifier rejects anything over 16 KiB (DESIGN §3.2). */
const MAX_TOKEN_LENGTH = 16 * 1024

/** True for a compact JWS: three non-empty canonical base64url segments (RFC 7515 §7.1). */
export function isCompactJwt(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH) return false
  const segments = value.split('.')
  return segments.length === 3 && segments.every((segment) => segment !== '' && isCanonicalBase64url(segment))
}

/**
 * The token's `exp` in milliseconds, or `undefined` when the payload has none.
 *
 * Read without verifying the signature on purpose: the client does not trust the token, it only
 * decides when to ask for a new one. The server that receives the token verifies it; a forged or
 * wrong `exp` here can at worst make this process refresh early or send a token the server rejects.
 */
export function readExpiry(token: string): number | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(decodeBase64url(payload))
    if (typeof claims !== 'object' || claims === null) return undefined
    const exp = (claims as { exp?: unknown }).exp
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}

function decodeBase64url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
}
