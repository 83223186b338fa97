/**
 * A bounded cache of verified tokens (DESIGN §3.2 rule 8), least recently used out first, in two
 * generations: entries go into `current`; when it holds half the capacity it becomes `previous` and
 * the old `previous` is dropped whole. A hit in `previous` moves the entry back into `current`.
 * Nothing is deleted one by one and nothing is iterated, so an insert costs one `Map.set` and the
 * cache never holds more than `capacity` entries. Entries carry their own expiry; the verifier
 * still runs the time checks on every hit.
 */
export interface VerdictCache<V> {
  get(key: string): V | undefined
  set(key: string, value: V): void
  delete(key: string): void
  /**
   * Whether a freshly verified token should be remembered: only on its second sighting (a
   * "doorkeeper", as in TinyLFU). The first sighting records a 30-bit fingerprint, a small integer
   * that holds no reference to the token, so a stream of one-off tokens neither churns the cache
   * nor evicts the entries of clients that reuse theirs; a reused token pays one extra check.
   */
  admit(fingerprint: number): boolean
}

/** FNV-1a over the last 24 characters of a token (its signature), kept to a V8 small integer. */
export function fingerprint(token: string): number {
  let hash = 0x811c9dc5
  for (let i = Math.max(0, token.length - 24); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193)
  }
  return hash & 0x3fffffff
}

export function createVerdictCache<V>(capacity: number): VerdictCache<V> {
  if (capacity === 0) return { get: () => undefined, set: () => {}, delete: () => {}, admit: () => false }
  const generation = Math.max(1, Math.floor(capacity / 2))
  let current = new Map<string, V>()
  let previous = new Map<string, V>()
  const seen = new Set<number>()

  function set(key: string, value: V): void {
    if (current.size >= generation && !current.has(key)) {
      previous = current
      current = new Map()
    }
    current.set(key, value)
  }

  return {
    get(key) {
      const value = current.get(key)
      if (value !== undefined) return value
      const old = previous.get(key)
      if (old !== undefined) {
        previous.delete(key)
        set(key, old)
      }
      return old
    },
    set,
    delete(key) {
      current.delete(key)
      previous.delete(key)
    },
    admit(print) {
      if (seen.delete(print)) return true
      if (seen.size >= capacity) seen.clear()
      seen.add(print)
      return false
    },
  }
}
