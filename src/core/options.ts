import { type CompiledPolicy, compilePolicy, type Policy } from './policy.js'

/** GitHub.com's issuer for Actions OIDC tokens. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

/** A persisted copy of an issuer's key set, for serverless cold starts (DESIGN §3.3). */
export interface JwksCache {
  /** Returns the saved JWKS document of `issuer` (as `set` received it), or `undefined`. */
  get(issuer: string): Promise<JwksCacheEntry | undefined> | JwksCacheEntry | undefined
  /** Saves a freshly fetched JWKS document. Errors are ignored: the cache is an optimisation. */
  set(issuer: string, entry: JwksCacheEntry): Promise<void> | void
}

export interface JwksCacheEntry {
  /** The JWKS document, `{ keys: [...] }`, as fetched. */
  readonly jwks: unknown
  /** When it was fetched, milliseconds since the epoch. */
  readonly fetchedAt: number
}

export interface KeysOptions {
  /**
   * Seconds the last good key set keeps verifying while the issuer is unreachable or answers
   * garbage. Default `86400` (24 h).
   */
  readonly maxStale?: number
  /** Seconds between refetches caused by an unknown `kid`. Default `30`. */
  readonly cooldown?: number
  /** Milliseconds one discovery or JWKS request may take. Default `5000`. */
  readonly timeout?: number
  /** Optional persisted cache of the key set (serverless cold starts). Default none. */
  readonly cache?: JwksCache
  /**
   * A fixed key set (`{ keys: [...] }`, as GitHub publishes it) used instead of fetching the
   * issuer's: offline verification, air-gapped servers, tests. Nothing is fetched and the set never
   * goes stale; rotate by restarting with a new set. Default none: keys come from the issuer.
   */
  readonly jwks?: { readonly keys: readonly unknown[] }
}

export interface VerifierOptions {
  /**
   * Required. The audience(s) this server accepts: the token's `aud` must be a string equal to one
   * of them. Choose a value unique to this server (e.g. its URL); a job asks for it explicitly.
   */
  readonly audience: string | readonly string[]
  /** Required. Who may call (DESIGN §4); `'any'` must be written out to accept every repository. */
  readonly policy: Policy
  /**
   * Accepted issuer(s), matched exactly. Default `https://token.actions.githubusercontent.com`.
   * GitHub Enterprise Server: `https://HOST/_services/token`; GHE.com:
   * `https://token.actions.SUBDOMAIN.ghe.com`. Must be `https:`, except on loopback hosts.
   */
  readonly issuer?: string | readonly string[]
  /**
   * Also accept the enterprise-scoped issuer `<issuer>/<slug>` for this enterprise slug only.
   * Default none.
   */
  readonly enterprise?: string
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default `30`. */
  readonly clockTolerance?: number
  /** Optional maximum seconds since `iat`. Default none (GitHub tokens have lived 5 min and 6 h). */
  readonly maxTokenAge?: number
  /** `fetch` used for discovery and JWKS (proxies, tests). Default the global `fetch`. */
  readonly fetch?: typeof fetch
  /** The clock: a fixed `Date` or a function returning the current one (tests). Default real time. */
  readonly currentDate?: Date | (() => Date)
  /** How keys are fetched and kept (DESIGN §3.3). */
  readonly keys?: KeysOptions
  /** How many verified tokens are remembered (from their second use, each until its `exp`). Default `1024`; `0` disables. */
  readonly cacheSize?: number
}

/** Validated, frozen options. Internal. */
export interface ResolvedOptions {
  readonly audiences: readonly string[]
  readonly issuers: readonly string[]
  readonly policy: CompiledPolicy
  readonly clockTolerance: number
  readonly maxTokenAge: number | undefined
  readonly fetch: typeof fetch
  /** Current time in milliseconds since the epoch. */
  readonly now: () => number
  readonly maxStale: number
  readonly cooldown: number
  readonly timeout: number
  readonly cache: JwksCache | undefined
  readonly jwks: { readonly keys: readonly unknown[] } | undefined
  readonly cacheSize: number
}

const KNOWN_OPTIONS = new Set([
  'audience',
  'policy',
  'issuer',
  'enterprise',
  'clockTolerance',
  'maxTokenAge',
  'fetch',
  'currentDate',
  'keys',
  'cacheSize',
])
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname)
}

export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createVerifier(options): options must be an object with `audience` and `policy`')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`options.${key}: unknown option`)
  }
  const keys = options.keys ?? {}
  const issuers = stringList(options.issuer ?? GITHUB_ISSUER, 'issuer').map(checkIssuer)
  if (options.enterprise !== undefined) {
    if (typeof options.enterprise !== 'string' || !/^[A-Za-z0-9-]+$/.test(options.enterprise)) {
      throw new TypeError('options.enterprise: must be an enterprise slug of letters, digits and "-"')
    }
    issuers.push(...issuers.map((issuer) => `${issuer}/${options.enterprise}`))
  }
  const currentDate = options.currentDate
  if (currentDate !== undefined && !(currentDate instanceof Date) && typeof currentDate !== 'function') {
    throw new TypeError('options.currentDate: must be a Date or a function returning a Date')
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('options.fetch: must be a fetch function')
  }
  const cache = keys.cache
  if (cache !== undefined && (typeof cache?.get !== 'function' || typeof cache.set !== 'function')) {
    throw new TypeError('options.keys.cache: must be an object with get(issuer) and set(issuer, entry)')
  }
  const jwks = keys.jwks
  if (jwks !== undefined && (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys))) {
    throw new TypeError('options.keys.jwks: must be a key set, { keys: [...] }')
  }
  if (jwks !== undefined && cache !== undefined) {
    throw new TypeError('options.keys.jwks: a fixed key set needs no persisted cache; remove keys.cache')
  }
  if (!('policy' in options) || options.policy === undefined) {
    throw new TypeError("options.policy: required; say who may call (e.g. { repository_owner_id: '…' }), or 'any'")
  }
  return Object.freeze({
    audiences: Object.freeze(stringList(options.audience, 'audience')),
    issuers: Object.freeze(issuers),
    policy: compilePolicy(options.policy, 'policy'),
    clockTolerance: seconds(options.clockTolerance, 'clockTolerance', 30),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : seconds(options.maxTokenAge, 'maxTokenAge', 0, true),
    fetch: options.fetch ?? globalFetch,
    now: clock(currentDate),
    maxStale: seconds(keys.maxStale, 'keys.maxStale', 86_400),
    cooldown: seconds(keys.cooldown, 'keys.cooldown', 30),
    timeout: seconds(keys.timeout, 'keys.timeout', 5000, true),
    cache,
    jwks,
    cacheSize: count(options.cacheSize, 'cacheSize', 1024),
  })
}

// Looked up at call time, so a fetch patched after start-up (proxies, test doubles) is used.
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)

function stringList(value: unknown, name: string): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? [...(value as unknown[])] : undefined
  if (list === undefined || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`options.${name}: required; a non-empty string or a non-empty list of them`)
  }
  return list as string[]
}

function checkIssuer(issuer: string): string {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    throw new TypeError(`options.issuer: "${issuer}" is not a URL`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new TypeError(`options.issuer: "${issuer}" must be https: (plain http: only on 127.0.0.1, ::1 or localhost)`)
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    issuer.endsWith('/') ||
    url.href.replace(/\/$/, '') !== issuer
  ) {
    throw new TypeError(
      `options.issuer: "${issuer}" must be written exactly as the token's iss (no trailing slash, query or credentials)`,
    )
  }
  return issuer
}

function seconds(value: unknown, name: string, fallback: number, positive = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(`options.${name}: must be a ${positive ? 'positive' : 'non-negative'} finite number`)
  }
  return value
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`options.${name}: must be a non-negative integer`)
  }
  return value as number
}

function clock(currentDate: Date | (() => Date) | undefined): () => number {
  if (currentDate === undefined) return Date.now
  if (currentDate instanceof Date) {
    const fixed = currentDate.getTime()
    return () => fixed
  }
  return () => {
    const date = currentDate()
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new TypeError('options.currentDate: the function must return a valid Date')
    }
    return date.getTime()
  }
}
