import type { FailOptions, FaultMode } from './faults.js'
import type { MintOptions } from './mint.js'
import type { MockClaims } from './presets.js'

/** Options of `createMockIssuer()`. Each is validated at start (a `TypeError` names it). */
export interface MockIssuerOptions {
  /** TCP port on `127.0.0.1`. Default `0` (a free port). */
  readonly port?: number
  /** Clock for `iat`/`nbf`/`exp` of minted tokens. Default real time. */
  readonly now?: () => Date
  /** `aud` when `mint()` or the token endpoint get no audience. Default `https://github.com/<repository_owner>`, like GitHub. */
  readonly defaultAudience?: string
  /** RSA modulus length of generated keys, in bits. Default `2048`. */
  readonly keyBits?: number
  /** Delay of the `'slow'` fault, in milliseconds. Default `10_000`. */
  readonly slowMs?: number
  /** Claims of the tokens the token endpoint mints (see `setTokenClaims`). Default none (the preset's). */
  readonly tokenClaims?: MockClaims
  /** Mint options of the tokens the token endpoint mints (see `setTokenClaims`). Default none. */
  readonly tokenOptions?: MintOptions
  /**
   * Also serve the enterprise-scoped issuer `<issuer>/<slug>` (discovery and JWKS under `/<slug>/`,
   * same keys), as GitHub does for enterprises with a customised issuer. Mint its tokens with
   * `mint({ iss: \`${mock.issuer}/<slug>\` })`. Default none.
   */
  readonly enterprise?: string
}

/** A running local stand-in for GitHub's OIDC issuer. */
export interface MockIssuer {
  /** `http://127.0.0.1:PORT`, no trailing slash: pass it to `createVerifier({ issuer })`. */
  readonly issuer: string
  /** `${issuer}/.well-known/jwks`. */
  readonly jwksUri: string
  /**
   * The variables GitHub's runner gives a job with `id-token: write`, pointing at this issuer's
   * token endpoint `${issuer}/_apis/token?api-version=2.0`. Like the runner's, the endpoint answers
   * `GET` with `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` (else 401) and the
   * `api-version` query (else 400), takes `&audience=…` from the query, and answers
   * `{ "count": <length of value>, "value": "<jwt>" }`.
   */
  readonly env: { readonly ACTIONS_ID_TOKEN_REQUEST_URL: string; readonly ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  /**
   * Live request counters since start (or `resetCounts()`): every request to the endpoint, whatever
   * its method or fault. Requests that follow a `'redirect'` fault are not counted.
   */
  readonly requests: { readonly discovery: number; readonly jwks: number; readonly token: number }
  /** Sets every request counter to 0. */
  resetCounts(): void
  /**
   * A signed ID token with realistic claims for the preset (default `'push'`), every claim
   * overridable; claims set to `undefined` are removed from the token.
   */
  mint(claims?: MockClaims, options?: MintOptions): string
  /**
   * Signs any header and payload with the current key (attack tests). The header is used as
   * given, except that `alg` defaults to `RS256` and `kid` to the current key's id when absent
   * (pass `kid: undefined` to omit it).
   */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): string
  /**
   * Generates a new current key; the previous keys stay published (like GitHub's overlap) unless
   * `dropPrevious`. `keyBits` overrides the issuer's modulus length for this key. Returns the new kid.
   */
  rotateKeys(options?: { readonly dropPrevious?: boolean; readonly keyBits?: number }): string
  /** The current published JWKS document (a copy). */
  jwks(): { keys: Record<string, unknown>[] }
  /** Key id of the current signing key. */
  readonly currentKid: string
  /** Public JWK of the current key (for tests that craft HS256-with-public-key attacks etc.). */
  readonly currentJwk: Readonly<Record<string, unknown>>
  /**
   * Sets the claims and mint options of the tokens the token endpoint mints from now on (no
   * arguments: back to the default preset). An `audience` in the request wins over
   * `options.audience`. Throws a `TypeError` at once for settings `mint()` would refuse.
   */
  setTokenClaims(claims?: MockClaims, options?: MintOptions): void
  /** Injects a fault into discovery, JWKS and/or the token endpoint until `fail('none')` or for `times` requests. */
  fail(mode: FaultMode, options?: FailOptions): void
  /** Stops the server, closing every open connection and pending `'slow'` answer. */
  close(): Promise<void>
}
