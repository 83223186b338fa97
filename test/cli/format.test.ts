import { describe, expect, it } from 'vitest'
import { claimsTable, duration, redactTokens, relative, safe, safeLines } from '../../src/cli/format.js'

describe('CLI formatting', () => {
  it.each([
    [0, '0 s'],
    [119, '119 s'],
    [180, '3 min'],
    [7199, '120 min'],
    [7200, '2 h'],
    [172_800, '2 days'],
  ])('words %i seconds as %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text)
  })

  it('says "in" for the future, "ago" for the past and "now" within a second', () => {
    expect(relative(300_000)).toBe('in 5 min')
    expect(relative(-300_000)).toBe('5 min ago')
    expect(relative(-999)).toBe('now')
  })

  it('puts identity claims first, the rest by name, times last with dates', () => {
    const table = claimsTable({ exp: 60, zeta: 'z', sub: 's', iss: 'i', alpha: '', iat: 0, n: 5, nested: { a: 1 } }, 0)
    expect(table).toBe(
      [
        '  iss     i',
        '  sub     s',
        "  alpha   ''",
        '  n       5',
        '  nested  {"a":1}',
        '  zeta    z',
        '  iat     0  1970-01-01T00:00:00Z (now)',
        '  exp     60  1970-01-01T00:01:00Z (in 60 s)',
      ].join('\n'),
    )
  })

  it('escapes C0, DEL, C1 and line separators; safeLines keeps line breaks and tabs', () => {
    expect(safe('a\nb\u007f\u009b\u2028')).toBe('a\\u000ab\\u007f\\u009b\\u2028')
    expect(safeLines('a\tb\r\nc\u001b')).toBe('a\tb\nc\\u001b')
  })

  it('redacts anything shaped like a JWT', () => {
    expect(redactTokens('x eyJhbGciOi.eyJzdWIi.c2ln y eyJonly')).toBe('x [token redacted] y eyJonly')
  })
})
