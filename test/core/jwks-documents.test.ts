import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { GitHubOidcError } from '../../src/core/errors.js'
import { createKeyStore, type KeyStore } from '../../src/core/jwks.js'
import { isAllowedJwksUri, MAX_DOCUMENT_BYTES, parseMaxAge } from '../../src/core/jwks-fetch.js'
import { modulusBits } from '../../src/core/jwks-keys.js'
import { type KeysOptions, resolveOptions } from '../../src/core/options.js'

// Documents the mock issuer cannot serve (another host, crafted keys, headers, bodies) come from an
// injected `fetch`: no network, and every byte of the answer is chosen by the test.

const ISSUER = 'https://token.actions.githubusercontent.com'
const JWKS_URI = `${ISSUER}/.well-known/jwks`
const DISCOVERY_URI = `${ISSUER}/.well-known/openid-configuration`
const T0 = Date.UTC(2025, 0, 1)

type Route = (init: RequestInit | undefined) => Response | Promise<Response>

interface Served {
  readonly fetch: typeof fetch
  readonly calls: { readonly url: string; readonly init: RequestInit | undefined }[]
  count(url: string): number
}

function serve(routes: Record<string, Route>): Served {
  const calls: { url: string; init: RequestInit | undefined }[] = []
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    calls.push({ url, init })
    const route = routes[url]
    if (route === undefined) throw new TypeError(`unexpected request to ${url}`)
    return route(init)
  }
  return { fetch: fetchImpl as typeof fetch, calls, count: (url) => calls.filter((call) => call.url === url).length }
}

const json =
  (body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })

const discovery = (overrides: Record<string, unknown> = {}) =>
  json({ issuer: ISSUER, jwks_uri: JWKS_URI, ...overrides })

function rsaJwk(bits: number): { n: string; e: string } {
  const { n, e } = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' })
  return { n: String(n), e: String(e) }
}

let strong: { n: string; e: string }
let other: { n: string; e: string }
let weak: { n: string; e: string }
beforeAll(() => {
  strong = rsaJwk(2048)
  other = rsaJwk(2048)
  weak = rsaJwk(1024)
})

const sigKey = (kid: string, material = strong, extra: Record<string, unknown> = {}) => ({
  kty: 'RSA',
  use: 'sig',
  alg: 'RS256',
  kid,
  ...material,
  ...extra,
})

function storeFor(served: Served, clock = { t: T0 }, keys: KeysOptions = {}, issuer = ISSUER): KeyStore {
  return createKeyStore(
    resolveOptions({
      audience: 'x',
      policy: 'any',
      issuer,
      fetch: served.fetch,
      currentDate: () => new Date(clock.t),
      keys,
    }),
  )
}

async function rejection(promise: Promise<unknown>): Promise<GitHubOidcError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(GitHubOidcError)
  return error as GitHubOidcError
}

describe('discovery', () => {
  const rejected: Record<string, Record<string, unknown>> = {
    'a jwks_uri on another host': { jwks_uri: 'https://evil.example/.well-known/jwks' },
    'a jwks_uri on a subdomain of the issuer': { jwks_uri: 'https://x.token.actions.githubusercontent.com/jwks' },
    'a jwks_uri on another port of the issuer host': {
      jwks_uri: 'https://token.actions.githubusercontent.com:8443/jwks',
    },
    'an http: jwks_uri': { jwks_uri: 'http://token.actions.githubusercontent.com/.well-known/jwks' },
    'a jwks_uri with credentials': { jwks_uri: 'https://user:pw@token.actions.githubusercontent.com/.well-known/jwks' },
    'a jwks_uri that is not a URL': { jwks_uri: 'not a url' },
    'no jwks_uri': { jwks_uri: undefined },
    'another issuer': { issuer: 'https://evil.example' },
    'the issuer with a trailing slash': { issuer: `${ISSUER}/` },
    'no issuer': { issuer: undefined },
  }
  for (const [name, overrides] of Object.entries(rejected)) {
    it(`rejects a discovery document with ${name}`, async () => {
      // Every URL the document names answers with a good key set: only the check can refuse it.
      const keySet = json({ keys: [sigKey('k1')] })
      const foreign = typeof overrides.jwks_uri === 'string' ? overrides.jwks_uri : JWKS_URI
      const served = serve({ [DISCOVERY_URI]: discovery(overrides), [JWKS_URI]: keySet, [foreign]: keySet })
      const error = await rejection(storeFor(served).getKey(ISSUER, 'k1'))
      expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
      expect(served.calls.map((call) => call.url)).toEqual([DISCOVERY_URI])
    })
  }

  it('rejects a discovery document that is a JSON array', async () => {
    const served = serve({ [DISCOVERY_URI]: json([{ issuer: ISSUER, jwks_uri: JWKS_URI }]) })
    expect((await rejection(storeFor(served).getKey(ISSUER, 'k1'))).code).toBe('ERR_KEYS_UNAVAILABLE')
  })

  it('accepts a GitHub Enterprise Server issuer with a path', async () => {
    const issuer = 'https://ghes.example.com/_services/token'
    const jwksUri = `${issuer}/.well-known/jwks`
    const served = serve({
      [`${issuer}/.well-known/openid-configuration`]: json({ issuer, jwks_uri: jwksUri }),
      [jwksUri]: json({ keys: [sigKey('k1')] }),
    })
    await expect(storeFor(served, { t: T0 }, {}, issuer).getKey(issuer, 'k1')).resolves.toBeDefined()
  })

  it('allows a loopback http: issuer only its own origin', () => {
    expect(isAllowedJwksUri('http://127.0.0.1:8080', 'http://127.0.0.1:8080/.well-known/jwks')).toBe(true)
    expect(isAllowedJwksUri('http://127.0.0.1:8080', 'http://127.0.0.1:9090/.well-known/jwks')).toBe(false)
    expect(isAllowedJwksUri('http://127.0.0.1:8080', 'http://localhost:8080/.well-known/jwks')).toBe(false)
    expect(isAllowedJwksUri('http://127.0.0.1:8080', 'https://127.0.0.1:8080/.well-known/jwks')).toBe(false)
  })

  it('asks for discovery once while the key set keeps loading', async () => {
    const clock = { t: T0 }
    const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: json({ keys: [sigKey('k1')] }) })
    const store = storeFor(served, clock)
    await store.getKey(ISSUER, 'k1')
    clock.t += 31_000
    await rejection(store.getKey(ISSUER, 'unknown'))
    expect(served.count(DISCOVERY_URI)).toBe(1)
    expect(served.count(JWKS_URI)).toBe(2)
  })
})

describe('freshness', () => {
  const cases: [string | undefined, number][] = [
    [undefined, 600],
    ['max-age=1', 60],
    ['public, max-age=3600', 3600],
    ['max-age=99999999', 86_400],
    ['s-maxage=5', 600],
    ['no-store', 600],
  ]
  for (const [header, seconds] of cases) {
    it(`keeps keys fresh for ${seconds} s when Cache-Control is ${header ?? 'absent'}`, async () => {
      const clock = { t: T0 }
      const headers: Record<string, string> = header === undefined ? {} : { 'cache-control': header }
      const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: json({ keys: [sigKey('k1')] }, headers) })
      const store = storeFor(served, clock)
      await store.getKey(ISSUER, 'k1')
      clock.t = T0 + seconds * 500
      await store.getKey(ISSUER, 'k1')
      expect(served.count(JWKS_URI)).toBe(1)
      clock.t = T0 + seconds * 1000 - 1000
      await store.getKey(ISSUER, 'k1')
      await vi.waitFor(() => expect(served.count(JWKS_URI)).toBe(2))
    })
  }

  it('reads max-age from Cache-Control as RFC 9111 writes it', () => {
    expect(parseMaxAge('public, max-age=600')).toBe(600)
    expect(parseMaxAge('max-age="120"')).toBe(120)
    expect(parseMaxAge('MAX-AGE = 30')).toBe(30)
    expect(parseMaxAge('s-maxage=5, private')).toBeUndefined()
    expect(parseMaxAge('max-age=-1')).toBeUndefined()
    expect(parseMaxAge(null)).toBeUndefined()
  })
})

describe('key filtering', () => {
  it('keeps only RSA signature keys of at least 2048 bits with a kid', async () => {
    const padded1024 = Buffer.concat([Buffer.alloc(200), Buffer.from(weak.n, 'base64url')]).toString('base64url')
    const served = serve({
      [DISCOVERY_URI]: discovery(),
      [JWKS_URI]: json({
        keys: [
          sigKey('enc', strong, { use: 'enc' }),
          sigKey('rs384', strong, { alg: 'RS384' }),
          sigKey('encrypt-only', strong, { key_ops: ['encrypt'] }),
          sigKey('ops-not-a-list', strong, { key_ops: 'verify' }),
          sigKey('ec', strong, { kty: 'EC' }),
          sigKey('n-number', strong, { n: 12345 }),
          sigKey('n-not-base64url', strong, { n: `${strong.n}+` }),
          sigKey('weak', weak),
          sigKey('weak-padded', { n: padded1024, e: weak.e }),
          sigKey('e-one', { n: strong.n, e: 'AQ' }),
          sigKey('e-even', { n: strong.n, e: 'AQAA' }),
          { kty: 'RSA', use: 'sig', alg: 'RS256', ...strong },
          sigKey(''),
          'not a key',
          null,
          sigKey('bare', strong, { use: undefined, alg: undefined }),
          sigKey('verify', strong, { key_ops: ['verify'] }),
          sigKey('x5c-garbage', strong, { x5c: ['garbage'], x5t: 'garbage' }),
          sigKey('leading-zero', {
            n: Buffer.concat([Buffer.alloc(1), Buffer.from(other.n, 'base64url')]).toString('base64url'),
            e: other.e,
          }),
        ],
      }),
    })
    const store = storeFor(served)
    for (const kid of ['bare', 'verify', 'x5c-garbage', 'leading-zero']) {
      await expect(store.getKey(ISSUER, kid), kid).resolves.toBeDefined()
    }
    for (const kid of ['enc', 'rs384', 'encrypt-only', 'ops-not-a-list', 'ec', 'n-number', 'n-not-base64url']) {
      expect((await rejection(store.getKey(ISSUER, kid))).code, kid).toBe('ERR_TOKEN_SIGNATURE')
    }
    for (const kid of ['weak', 'weak-padded', 'e-one', 'e-even', '', 'undefined']) {
      expect((await rejection(store.getKey(ISSUER, kid))).code, kid).toBe('ERR_TOKEN_SIGNATURE')
    }
    expect(served.count(JWKS_URI)).toBe(1)
  })

  it('uses the first of two keys that share a kid', async () => {
    const served = serve({
      [DISCOVERY_URI]: discovery(),
      [JWKS_URI]: json({ keys: [sigKey('dup', strong), sigKey('dup', other)] }),
    })
    const key = (await storeFor(served).getKey(ISSUER, 'dup')) as KeyObject
    expect(key.export({ format: 'jwk' }).n).toBe(strong.n)
  })

  it('treats a key set without a usable key as a failure and keeps the previous set', async () => {
    const clock = { t: T0 }
    let keys: unknown[] = [sigKey('k1')]
    const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: () => json({ keys })() })
    const store = storeFor(served, clock)
    const key = await store.getKey(ISSUER, 'k1')
    keys = [sigKey('weak', weak)]
    clock.t += 31_000
    const error = await rejection(store.getKey(ISSUER, 'weak'))
    // The refetch that could have found the kid failed: "cannot check now", not "bad token".
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
    expect(error.cause?.error).toBeInstanceOf(Error)
    expect(store.isCurrent(ISSUER, 'k1', key)).toBe(true)
    expect(await store.getKey(ISSUER, 'k1')).toBe(key)
  })

  it('measures the modulus without its leading zero bytes', () => {
    expect(modulusBits(strong.n)).toBe(2048)
    expect(modulusBits(Buffer.from([0, 0, 1, 0]).toString('base64url'))).toBe(9)
    expect(modulusBits('')).toBe(0)
  })
})

describe('bounded fetch', () => {
  it('sends GET with redirect: manual and an abort signal', async () => {
    const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: json({ keys: [sigKey('k1')] }) })
    await storeFor(served).getKey(ISSUER, 'k1')
    expect(served.calls).toHaveLength(2)
    for (const { init } of served.calls) {
      expect(init).toMatchObject({ method: 'GET', redirect: 'manual' })
      expect(init?.signal).toBeInstanceOf(AbortSignal)
      // Aborted once the document is read: nothing of the request lingers.
      expect(init?.signal?.aborted).toBe(true)
    }
  })

  const refused: Record<string, Route> = {
    'a 301 redirect': () => new Response(null, { status: 301, headers: { location: JWKS_URI } }),
    'a 304': () => new Response(null, { status: 304 }),
    'a 204': () => new Response(null, { status: 204 }),
    'an HTML page': () => new Response('{"keys":[]}', { headers: { 'content-type': 'text/html' } }),
    'a JSON array': json([sigKey('k1')]),
    'invalid UTF-8': () =>
      new Response(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), {
        headers: { 'content-type': 'application/json' },
      }),
    'an empty body': () => new Response(null, { status: 200 }),
    'a fetch that throws': () => {
      throw new TypeError('fetch failed')
    },
  }
  for (const [name, route] of Object.entries(refused)) {
    it(`answers 503 for ${name} from the JWKS endpoint`, async () => {
      const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: route })
      expect(await rejection(storeFor(served).getKey(ISSUER, 'k1'))).toMatchObject({
        code: 'ERR_KEYS_UNAVAILABLE',
        status: 503,
      })
    })
  }

  for (const type of ['application/json', 'application/jwk-set+json', 'APPLICATION/JSON; charset=UTF-8']) {
    it(`accepts a key set served as ${type}`, async () => {
      const served = serve({
        [DISCOVERY_URI]: discovery(),
        [JWKS_URI]: () => new Response(JSON.stringify({ keys: [sigKey('k1')] }), { headers: { 'content-type': type } }),
      })
      await expect(storeFor(served).getKey(ISSUER, 'k1')).resolves.toBeDefined()
    })
  }

  function endlessBody(onCancel: () => void) {
    let pulled = 0
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel: onCancel,
    })
    return { stream, pulled: () => pulled }
  }

  it('refuses a declared Content-Length over 1 MiB without reading the body', async () => {
    const cancel = vi.fn()
    const body = endlessBody(cancel)
    const served = serve({
      [DISCOVERY_URI]: discovery(),
      [JWKS_URI]: () => new Response(body.stream, { headers: { 'content-length': String(MAX_DOCUMENT_BYTES + 1) } }),
    })
    expect((await rejection(storeFor(served).getKey(ISSUER, 'k1'))).code).toBe('ERR_KEYS_UNAVAILABLE')
    expect(cancel).toHaveBeenCalled()
    expect(body.pulled()).toBeLessThan(MAX_DOCUMENT_BYTES)
  })

  it('stops reading an endless body at 1 MiB and cancels it', async () => {
    const cancel = vi.fn()
    const body = endlessBody(cancel)
    const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: () => new Response(body.stream) })
    const error = await rejection(storeFor(served).getKey(ISSUER, 'k1'))
    expect(error.code).toBe('ERR_KEYS_UNAVAILABLE')
    expect(cancel).toHaveBeenCalled()
    expect(body.pulled()).toBeLessThan(MAX_DOCUMENT_BYTES + 4 * 64 * 1024)
  })

  it('times out a fetch that ignores its abort signal', async () => {
    const served = serve({ [DISCOVERY_URI]: discovery(), [JWKS_URI]: () => new Promise<Response>(() => {}) })
    const error = await rejection(storeFor(served, { t: T0 }, { timeout: 50 }).getKey(ISSUER, 'k1'))
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
  })

  it('times out a body that never ends', async () => {
    const served = serve({
      [DISCOVERY_URI]: discovery(),
      [JWKS_URI]: () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) })),
    })
    const error = await rejection(storeFor(served, { t: T0 }, { timeout: 50 }).getKey(ISSUER, 'k1'))
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
  })
})
