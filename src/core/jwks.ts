import type { PublicKeyHandle } from '../lib/crypto-port.js'
import { KeysUnavailableError, TokenInvalidError } from './errors.js'
import { discoverJwksUri, fetchDocument } from './jwks-fetch.js'
import { importKeys, type KeyEntry } from './jwks-keys.js'
import type { ResolvedOptions } from './options.js'

/**
 * The signing keys of the configured issuers (DESIGN §3.2 rule 4, §3.3).
 *
 * Per issuer: one key set, one fetch in flight at most (single flight), and at most one fetch
 * attempt per `cooldown`, whatever asks for it (a cold start, an unknown `kid`, a background
 * refresh, a retry after a failure). Refreshes start from requests, never from timers, so there is
 * nothing to close. Memory is bounded by the configured issuers and the 1 MiB document cap; no
 * state depends on the tokens presented.
 *
 * Not checked here: that `issuer` is accepted (the verifier does that first; another issuer is
 * refused), and the token's signature.
 */
export interface KeyStore {
  /** The verification key for `kid` in `issuer`'s key set. */
  getKey(issuer: string, kid: string): Promise<PublicKeyHandle>
  /**
   * The key for `kid` when the usable set in memory has it, else `undefined` (then call `getKey`).
   * Synchronous, so a warm verification waits on no promise; starts a background refresh when due.
   */
  peekKey(issuer: string, kid: string): PublicKeyHandle | undefined
  /** True while `key` is still the key for (issuer, kid) in the current, usable set. Synchronous. */
  isCurrent(issuer: string, kid: string, key: PublicKeyHandle): boolean
}

const DEFAULT_FRESH_SECONDS = 600
const MIN_FRESH_SECONDS = 60
const MAX_FRESH_SECONDS = 86_400
/** A refresh starts once this share of the freshness window has passed, so requests never wait. */
const REFRESH_AHEAD = 0.75

interface KeySet {
  readonly keys: ReadonlyMap<string, KeyEntry>
  readonly fetchedAt: number
  /** Milliseconds after `fetchedAt` from which requests start a refresh. */
  readonly refreshAfter: number
  /** Milliseconds after `fetchedAt` (max of freshness and maxStale) beyond which the set is never used. */
  readonly usableFor: number
}

interface IssuerState {
  readonly issuer: string
  set: KeySet | undefined
  jwksUri: string | undefined
  /** The one update in flight; it never rejects (failures land in `lastError`). */
  pending: Promise<void> | undefined
  attemptedAt: number
  lastError: unknown
  cacheRead: boolean
}

export function createKeyStore(options: ResolvedOptions): KeyStore {
  const cooldownMs = options.cooldown * 1000
  const states = new Map<string, IssuerState>()
  for (const issuer of options.issuers) {
    states.set(issuer, {
      issuer,
      set: undefined,
      jwksUri: undefined,
      pending: undefined,
      attemptedAt: Number.NEGATIVE_INFINITY,
      lastError: undefined,
      cacheRead: options.cache === undefined,
    })
  }

  // Ages are compared, not instants, so a clock set back starts a refresh instead of freezing state.
  const usable = (state: IssuerState, now: number) =>
    state.set !== undefined && now - state.set.fetchedAt < state.set.usableFor ? state.set : undefined
  const isRefreshDue = (set: KeySet, now: number) => now - set.fetchedAt >= set.refreshAfter || now < set.fetchedAt
  const coolingDown = (state: IssuerState, now: number) =>
    now >= state.attemptedAt && now - state.attemptedAt < cooldownMs

  function makeSet(keys: ReadonlyMap<string, KeyEntry>, fetchedAt: number, freshSeconds: number): KeySet {
    return {
      keys,
      fetchedAt,
      refreshAfter: freshSeconds * 1000 * REFRESH_AHEAD,
      usableFor: Math.max(freshSeconds, options.maxStale) * 1000,
    }
  }

  function update(state: IssuerState): Promise<void> {
    state.pending ??= run(state).finally(() => {
      state.pending = undefined
    })
    return state.pending
  }

  async function run(state: IssuerState): Promise<void> {
    try {
      if (!state.cacheRead) {
        state.cacheRead = true
        if (await readPersisted(state)) return
      }
      state.attemptedAt = options.now()
      const { jwks, maxAge } = await fetchKeySet(state)
      const keys = await importKeys(jwks, state.set?.keys)
      if (keys.size === 0) throw new Error(`${state.issuer}: the key set has no usable RS256 signing key`)
      const fetchedAt = options.now()
      const fresh = Math.min(Math.max(maxAge ?? DEFAULT_FRESH_SECONDS, MIN_FRESH_SECONDS), MAX_FRESH_SECONDS)
      state.set = makeSet(keys, fetchedAt, fresh)
      state.lastError = undefined
      writePersisted(state.issuer, jwks, fetchedAt)
    } catch (error) {
      state.lastError = error
    }
  }

  async function fetchKeySet(state: IssuerState): Promise<{ jwks: unknown; maxAge: number | undefined }> {
    if (options.jwks !== undefined) return { jwks: options.jwks, maxAge: MAX_FRESH_SECONDS }
    try {
      state.jwksUri ??= await discoverJwksUri(state.issuer, options)
      const { body, maxAge } = await fetchDocument(state.jwksUri, options)
      return { jwks: body, maxAge }
    } catch (error) {
      // Discovery is asked again next time, in case the key set moved.
      state.jwksUri = undefined
      throw error
    }
  }

  async function readPersisted(state: IssuerState): Promise<boolean> {
    const cache = options.cache
    if (cache === undefined) return false
    let entry: unknown
    try {
      entry = await withTimeout(
        Promise.resolve().then(() => cache.get(state.issuer)),
        options.timeout,
      )
    } catch {
      return false
    }
    if (typeof entry !== 'object' || entry === null) return false
    const { jwks, fetchedAt } = entry as { jwks?: unknown; fetchedAt?: unknown }
    if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt)) return false
    const now = options.now()
    // A timestamp from the future (a skewed clock elsewhere) must not extend the set's life.
    const set = makeSet(await importKeys(jwks, undefined), Math.min(fetchedAt, now), DEFAULT_FRESH_SECONDS)
    if (set.keys.size === 0 || now - set.fetchedAt >= set.usableFor) return false
    state.set = set
    return true
  }

  function writePersisted(issuer: string, jwks: unknown, fetchedAt: number): void {
    try {
      Promise.resolve(options.cache?.set(issuer, { jwks, fetchedAt })).catch(() => {})
    } catch {
      // The persisted cache is an optimisation; its failures never affect verification.
    }
  }

  function refreshIfDue(state: IssuerState, now: number): void {
    const set = state.set
    if (set === undefined || !isRefreshDue(set, now) || state.pending !== undefined || coolingDown(state, now)) return
    void update(state)
  }

  function unavailable(state: IssuerState, now: number): KeysUnavailableError {
    const wait = coolingDown(state, now) ? (state.attemptedAt + cooldownMs - now) / 1000 : options.cooldown
    return new KeysUnavailableError("the issuer's signing keys are unavailable", {
      cause: { error: state.lastError ?? new Error(`${state.issuer}: no usable key set`) },
      retryAfter: Math.max(1, Math.ceil(wait)),
    })
  }

  /** Waits for a usable set: the update in flight, or a new one unless an attempt failed within the cooldown. */
  async function obtain(state: IssuerState): Promise<KeySet> {
    if (state.pending === undefined && state.cacheRead && coolingDown(state, options.now())) {
      throw unavailable(state, options.now())
    }
    await update(state)
    const now = options.now()
    const set = usable(state, now)
    if (set === undefined) throw unavailable(state, now)
    refreshIfDue(state, now)
    return set
  }

  async function unknownKid(state: IssuerState, kid: string): Promise<PublicKeyHandle> {
    // A key rotated in is fetched at once, but a flood of random kids costs one fetch per cooldown.
    if (state.pending !== undefined || !coolingDown(state, options.now())) await update(state)
    const now = options.now()
    const set = usable(state, now)
    if (set === undefined) throw unavailable(state, now)
    const entry = set.keys.get(kid)
    if (entry !== undefined) return entry.key
    // The last attempt to refresh failed: the kid may be a key rotated in that we could not fetch.
    // That is "cannot check now" (503, retry), not "bad token" (401).
    if (state.lastError !== undefined) throw unavailable(state, now)
    throw new TokenInvalidError('ERR_TOKEN_SIGNATURE', "no key with the token's kid in the issuer's key set", {
      cause: { claim: 'kid', actual: kid },
    })
  }

  return {
    async getKey(issuer, kid) {
      const state = states.get(issuer)
      if (state === undefined) throw new TokenInvalidError('ERR_TOKEN_ISSUER', "the token's issuer is not accepted")
      const now = options.now()
      let set = usable(state, now)
      if (set === undefined) set = await obtain(state)
      else refreshIfDue(state, now)
      return set.keys.get(kid)?.key ?? unknownKid(state, kid)
    },
    peekKey(issuer, kid) {
      const state = states.get(issuer)
      if (state === undefined) return undefined
      const now = options.now()
      const set = usable(state, now)
      if (set === undefined) return undefined
      refreshIfDue(state, now)
      return set.keys.get(kid)?.key
    },
    isCurrent(issuer, kid, key) {
      const state = states.get(issuer)
      if (state === undefined) return false
      const now = options.now()
      const set = usable(state, now)
      if (set === undefined) return false
      // Hits of the verdict cache keep the keys refreshed, so a removed key is noticed in time.
      refreshIfDue(state, now)
      return set.keys.get(kid)?.key === key
    },
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
    if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
