import { describe, expect, it } from 'vitest'
import { createVerdictCache } from '../../src/core/cache.js'

describe('createVerdictCache', () => {
  it('keeps at most its capacity, evicting the least recently used', () => {
    const cache = createVerdictCache<number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1) // a is now the most recent
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
  })

  it('forgets a deleted entry', () => {
    const cache = createVerdictCache<number>(2)
    cache.set('a', 1)
    cache.delete('a')
    expect(cache.get('a')).toBeUndefined()
  })

  it('remembers nothing with capacity 0', () => {
    const cache = createVerdictCache<number>(0)
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    cache.delete('a')
  })

  it('stays bounded under a flood of distinct keys', () => {
    const cache = createVerdictCache<number>(16)
    for (let i = 0; i < 10_000; i++) cache.set(`token-${i}`, i)
    let kept = 0
    for (let i = 0; i < 10_000; i++) if (cache.get(`token-${i}`) !== undefined) kept++
    expect(kept).toBe(16)
  })
})
