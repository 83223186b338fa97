/**
 * A bounded LRU map of verified tokens (DESIGN §3.2 rule 8). `Map` keeps insertion order, so the
 * first key is the least recently used; a hit is re-inserted at the end. Entries carry their own
 * expiry; the verifier still runs the time checks on every hit.
 */
export interface VerdictCache<V> {
  get(token: string): V | undefined
  set(token: string, value: V): void
  delete(token: string): void
}

export function createVerdictCache<V>(capacity: number): VerdictCache<V> {
  const entries = new Map<string, V>()
  if (capacity === 0) return { get: () => undefined, set: () => {}, delete: () => {} }
  return {
    get(token) {
      const value = entries.get(token)
      if (value !== undefined) {
        entries.delete(token)
        entries.set(token, value)
      }
      return value
    },
    set(token, value) {
      entries.delete(token)
      entries.set(token, value)
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string)
    },
    delete(token) {
      entries.delete(token)
    },
  }
}
