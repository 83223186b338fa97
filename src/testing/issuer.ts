import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answer, type EndpointContext, guard, send } from './endpoints.js'
import { type Endpoint, type FailOptions, type FaultMode, FaultTable, sendFault } from './faults.js'
import { KeyRing } from './keys.js'
import { type MintOptions, mintToken } from './mint.js'
import type { MockClaims } from './presets.js'
import { checkBits, validate } from './settings.js'

/** Options of {@link createMockIssuer}. Each is validated at start (a `TypeError` names it). */
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
}

/** A running local stand-in for GitHub's OIDC issuer. */
export interface MockIssuer {
  /** `http://127.0.0.1:PORT`, no trailing slash: pass it to `createVerifier({ issuer })`. */
  readonly issuer: string
  /** `${issuer}/.well-known/jwks`. */
  readonly jwksUri: string
  /** The variables GitHub's runner gives a job with `id-token: write`, pointing at this issuer. */
  readonly env: { readonly ACTIONS_ID_TOKEN_REQUEST_URL: string; readonly ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  /** Live request counters since start (or `resetCounts()`), faulty requests included. */
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
  /** Sets the claims and mint options of the tokens the token endpoint mints from now on. */
  setTokenClaims(claims?: MockClaims, options?: MintOptions): void
  /** Injects a fault into discovery, JWKS and/or the token endpoint until `fail('none')` or for `times` requests. */
  fail(mode: FaultMode, options?: FailOptions): void
  /** Stops the server, closing every open connection and pending `'slow'` answer. */
  close(): Promise<void>
}

const PATHS = new Map<string, Endpoint>([
  ['/.well-known/openid-configuration', 'discovery'],
  ['/.well-known/jwks', 'jwks'],
  ['/_apis/token', 'token'],
])
/** Target of the `'redirect'` fault: the same endpoints under this prefix, answering normally. */
const REDIRECT_PREFIX = '/redirected'

/**
 * Starts a local stand-in for GitHub's OIDC issuer on `127.0.0.1`: discovery, JWKS, and a token
 * endpoint compatible with `ACTIONS_ID_TOKEN_REQUEST_URL`, with presets, key rotation and faults.
 *
 * @example
 * const mock = await createMockIssuer()
 * const verifier = createVerifier({ issuer: mock.issuer, audience: 'api', policy: 'any' })
 * await verifier.verify(mock.mint({}, { audience: 'api' }))
 * await mock.close()
 */
export async function createMockIssuer(options: MockIssuerOptions = {}): Promise<MockIssuer> {
  const settings = validate(options)
  const keys = new KeyRing(settings.keyBits)
  const faults = new FaultTable()
  const counts = { discovery: 0, jwks: 0, token: 0 }
  const timers = new Set<NodeJS.Timeout>()
  const requestToken = randomBytes(24).toString('base64url')
  let tokenClaims = options.tokenClaims ?? {}
  let tokenOptions = options.tokenOptions ?? {}
  let issuer = ''
  const mint = (claims?: MockClaims, mintOptions?: MintOptions): string =>
    mintToken({ issuer, now: settings.now, defaultAudience: settings.defaultAudience, keys }, claims, mintOptions)

  const context: EndpointContext = {
    get issuer() {
      return issuer
    },
    requestToken,
    jwks: () => keys.jwks(),
    mintForRequest: (audience) =>
      mint(tokenClaims, audience === undefined ? tokenOptions : { ...tokenOptions, audience }),
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/'
    const mark = url.indexOf('?')
    const path = mark === -1 ? url : url.slice(0, mark)
    const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1))
    const redirected = path.startsWith(`${REDIRECT_PREFIX}/`)
    const endpoint = PATHS.get(redirected ? path.slice(REDIRECT_PREFIX.length) : path)
    if (endpoint === undefined) {
      send(res, { status: 404, body: { message: 'Not Found' } })
      return
    }
    // The copy behind the redirect is neither counted nor faulty: it shows that a client followed.
    if (!redirected) counts[endpoint] += 1
    const fault = redirected ? undefined : faults.take(endpoint)
    if (fault === undefined) send(res, answer(endpoint, req, query, context))
    else if (fault !== 'slow') sendFault(fault, res, `${issuer}${REDIRECT_PREFIX}${url}`)
    else later(res, () => send(res, answer(endpoint, req, query, context)))
  }

  /** Answers after `slowMs`, unless the client leaves or the issuer closes first. */
  const later = (res: ServerResponse, reply: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      guard(res, reply)
    }, settings.slowMs)
    timers.add(timer)
    res.once('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
    })
  }

  const server = createServer((req, res) => guard(res, () => handle(req, res)))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(settings.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks`,
    env: Object.freeze({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer}/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    requests: counts,
    resetCounts() {
      counts.discovery = 0
      counts.jwks = 0
      counts.token = 0
    },
    mint,
    sign: (header, payload) => keys.sign({ alg: 'RS256', kid: keys.current.kid, ...header }, payload),
    rotateKeys: (rotate = {}) =>
      keys.rotate(
        rotate.dropPrevious === true,
        checkBits(rotate.keyBits ?? settings.keyBits, 'rotateKeys: options.keyBits'),
      ).kid,
    jwks: () => keys.jwks(),
    get currentKid() {
      return keys.current.kid
    },
    get currentJwk() {
      return keys.current.jwk
    },
    setTokenClaims(claims = {}, mintOptions = {}) {
      tokenClaims = claims
      tokenOptions = mintOptions
    },
    fail: (mode, failOptions) => faults.set(mode, failOptions),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
