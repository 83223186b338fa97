import { describe, expect, it } from 'vitest'
import { createVerdictCache } from '../../src/core/cache.js'

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
