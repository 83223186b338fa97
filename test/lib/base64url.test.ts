import { describe, expect, it } from 'vitest'
import { isCanonicalBase64url } from '../../src/lib/base64url.js'

describe('isCanonicalBase64url', () => {
  it('accepts what Node.js encodes, for every length remainder', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.alloc(length, 0xa5)
      expect(isCanonicalBase64url(bytes.toString('base64url'))).toBe(true)
    }
  })

  it('rejects padding, the standard alphabet, whitespace and other characters', () => {
    for (const input of ['YQ==', 'ab+c', 'ab/c', 'ab c', 'ab\nc', 'abc.', 'ab%c', 'é']) {
      expect(isCanonicalBase64url(input)).toBe(false)
    }
  })

  it('rejects a length that no byte string encodes to', () => {
    expect(isCanonicalBase64url('abcde')).toBe(false)
  })

  it('rejects non-zero unused bits in the last character, which lenient decoders ignore', () => {
    // 'QQ' is 'A'; 'QR' decodes to the same byte in Node.js but is not canonical.
    expect(Buffer.from('QR', 'base64url').toString()).toBe('A')
    expect(isCanonicalBase64url('QQ')).toBe(true)
    expect(isCanonicalBase64url('QR')).toBe(false)
    expect(isCanonicalBase64url('QUI')).toBe(true)
    expect(isCanonicalBase64url('QUJ')).toBe(false)
  })
})
