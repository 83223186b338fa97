import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answer, type EndpointContext, guard, send } from './endpoints.js'
import { FaultTable, type MockEndpoint, sendFault } from './faults.js'
import { KeyRing } from './keys.js'
import { type MintOptions, mintToken } from './mint.js'
import type { MockClaims } from './presets.js'
import { checkBits, validate } from './settings.js'
import type { MockIssuer, MockIssuerOptions } from './types.js'

const PATHS = new Map<string, MockEndpoint>([
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
  let issuer = ''
  const mint = (claims?: MockClaims, mintOptions?: MintOptions): string =>
    mintToken({ issuer, now: settings.now, defaultAudience: settings.defaultAudience, keys }, claims, mintOptions)
  /** A trial mint, so that bad token endpoint settings fail where they are set, not as a 500 later. */
  const checkTokenSettings = (claims: MockClaims, mintOptions: MintOptions, name: string): void => {
    try {
      mint(claims, mintOptions)
    } catch (error) {
      throw new TypeError(`${name}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  let tokenClaims = options.tokenClaims ?? {}
  let tokenOptions = options.tokenOptions ?? {}
  checkTokenSettings(tokenClaims, tokenOptions, 'options.tokenClaims/tokenOptions')

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
    let local = redirected ? path.slice(REDIRECT_PREFIX.length) : path
    // The enterprise-scoped issuer: discovery and JWKS under `/<slug>/`, with its own `issuer`.
    const scope = settings.enterprise === undefined ? undefined : `/${settings.enterprise}`
    const scoped = scope !== undefined && local.startsWith(`${scope}/.well-known/`)
    if (scoped) local = local.slice(scope.length)
    const endpoint = PATHS.get(local)
    if (endpoint === undefined || (scoped && endpoint === 'token')) {
      send(res, { status: 404, body: { message: 'Not Found' } })
      return
    }
    const endpointContext = scoped ? { ...context, issuer: `${issuer}${scope}` } : context
    // The copy behind the redirect is neither counted nor faulty: it shows that a client followed.
    if (!redirected) counts[endpoint] += 1
    const fault = redirected ? undefined : faults.take(endpoint)
    if (fault === undefined) send(res, answer(endpoint, req, query, endpointContext))
    else if (fault !== 'slow') sendFault(fault, res, `${issuer}${REDIRECT_PREFIX}${url}`)
    else later(res, () => send(res, answer(endpoint, req, query, endpointContext)))
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
      checkTokenSettings(claims, mintOptions, 'setTokenClaims')
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
