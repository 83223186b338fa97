/**
 * Strict base64url (RFC 4648 §5, no padding) as JWS compact serialization requires (RFC 7515 §2).
 *
 * Decoders in Node.js and browsers are lenient: they skip unknown characters and ignore the unused
 * low bits of the last character, so several strings decode to the same bytes. A verifier that
 * accepted them would accept a token whose signature segment was altered. Only the canonical
 * encoding passes here.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const VALID = /^[A-Za-z0-9_-]*$/

export function isCanonicalBase64url(input: string): boolean {
  const remainder = input.length % 4
  if (remainder === 1 || !VALID.test(input)) return false
  if (remainder === 0) return true
  const last = ALPHABET.indexOf(input.charAt(input.length - 1))
  // 2 trailing chars carry 8 bits (4 unused), 3 carry 16 bits (2 unused): unused bits must be 0.
  return (last & (remainder === 2 ? 0b1111 : 0b11)) === 0
}
