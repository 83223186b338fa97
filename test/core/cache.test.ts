import { describe, expect, it } from 'vitest'
import { createVerdictCache, fingerprint } from '../../src/core/cache.js'

describe('createVerdictCache', () => {
  it('keeps recently used entries and drops the least recently used', () => {
    const cache = createVerdictCache<number>(4) // two generations of two
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3) // a and b move to the previous generation
    expect(cache.get('a')).toBe(1) // used again: back in the current generation
    cache.set('d', 4) // current (c, a) is full: it becomes previous, b is dropped
    expect(cache.get('b')).toBeUndefined()
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4])
  })

  it('replaces the value of a key it already holds without rotating', () => {
    const cache = createVerdictCache<number>(2)
    cache.set('a', 1)
    cache.set('a', 2)
    expect(cache.get('a')).toBe(2)
  })

  it('forgets a deleted entry in either generation', () => {
    const cache = createVerdictCache<number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.delete('a')
    cache.delete('b')
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, undefined])
  })

  it('remembers nothing with capacity 0', () => {
    const cache = createVerdictCache<number>(0)
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    cache.delete('a')
  })

  it('never holds more than its capacity under a flood of distinct keys', () => {
    const cache = createVerdictCache<number>(16)
    for (let i = 0; i < 10_000; i++) cache.set(`token-${i}`, i)
    let kept = 0
    for (let i = 0; i < 10_000; i++) if (cache.get(`token-${i}`) !== undefined) kept++
    expect(kept).toBeGreaterThanOrEqual(8)
    expect(kept).toBeLessThanOrEqual(16)
    expect(cache.get('token-9999')).toBe(9999)
  })
})

describe('admission', () => {
  it('admits a fingerprint on its second sighting only', () => {
    const cache = createVerdictCache<number>(4)
    expect(cache.admit(1)).toBe(false)
    expect(cache.admit(2)).toBe(false)
    expect(cache.admit(1)).toBe(true)
    expect(cache.admit(1)).toBe(false) // admitted once; the next sighting starts over
  })

  it('keeps at most capacity fingerprints, forgetting all at once when full', () => {
    const cache = createVerdictCache<number>(2)
    cache.admit(1)
    cache.admit(2)
    cache.admit(3) // full: the first two are forgotten
    expect(cache.admit(1)).toBe(false)
    expect(cache.admit(3)).toBe(true)
  })

  it('admits nothing with capacity 0', () => {
    const cache = createVerdictCache<number>(0)
    expect([cache.admit(1), cache.admit(1)]).toEqual([false, false])
  })

  it('fingerprints the end of a token as a small non-negative integer that depends on every character there', () => {
    const token = `${'a'.repeat(100)}${'b'.repeat(24)}`
    const print = fingerprint(token)
    expect(Number.isSafeInteger(print) && print >= 0 && print < 2 ** 30).toBe(true)
    expect(fingerprint(token)).toBe(print)
    for (let i = token.length - 24; i < token.length; i++) {
      expect(fingerprint(`${token.slice(0, i)}c${token.slice(i + 1)}`)).not.toBe(print)
    }
    expect(fingerprint('')).toBe(fingerprint(''))
  })
})
