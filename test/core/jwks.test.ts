import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GitHubOidcError, KeysUnavailableError } from '../../src/core/errors.js'
import { createKeyStore, type KeyStore } from '../../src/core/jwks.js'
import { type JwksCache, type KeysOptions, resolveOptions } from '../../src/core/options.js'
import { createMockIssuer, type FaultMode, type MockIssuer } from '../../src/testing/index.js'

const T0 = Date.UTC(2025, 0, 1)
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

let kit: MockIssuer
let clock: { t: number }

beforeEach(async () => {
  kit = await createMockIssuer({ slowMs: 3000 })
  clock = { t: T0 }
})
afterEach(async () => {
  await kit.close()
})

function storeFor(keys: KeysOptions = {}, fetchImpl?: typeof fetch): KeyStore {
  return createKeyStore(
    resolveOptions({
      audience: 'x',
      policy: 'any',
      issuer: kit.issuer,
      currentDate: () => new Date(clock.t),
      keys,
      ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
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

const randomKid = () => randomBytes(20).toString('hex').toUpperCase()

describe('cold start', () => {
  it('shares one discovery and one JWKS fetch among 256 concurrent cold requests', async () => {
    const store = storeFor()
    const keys = await Promise.all(Array.from({ length: 256 }, () => store.getKey(kit.issuer, kit.currentKid)))
    expect(new Set(keys).size).toBe(1)
    expect(kit.requests).toMatchObject({ discovery: 1, jwks: 1 })
    expect(store.isCurrent(kit.issuer, kit.currentKid, keys[0] as object)).toBe(true)
  })

  it('asks for nothing more while the keys are fresh', async () => {
    const store = storeFor()
    await store.getKey(kit.issuer, kit.currentKid)
    for (let i = 0; i < 100; i++) {
      clock.t += 3 * SECOND
      await store.getKey(kit.issuer, kit.currentKid)
    }
    expect(kit.requests).toMatchObject({ discovery: 1, jwks: 1 })
  })

  const modes: readonly Exclude<FaultMode, 'none' | 'slow'>[] = [
    'down',
    'garbage',
    '500',
    '429',
    'oversized',
    'redirect',
  ]
  for (const endpoint of ['discovery', 'jwks'] as const) {
    for (const mode of modes) {
      it(`answers 503 keys unavailable when ${endpoint} is ${mode} at cold start`, async () => {
        kit.fail(mode, { endpoints: [endpoint] })
        const error = await rejection(storeFor().getKey(kit.issuer, kit.currentKid))
        expect(error).toBeInstanceOf(KeysUnavailableError)
        expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503, retryAfter: 30 })
        expect(error.cause?.error).toBeInstanceOf(Error)
        expect(error.message).not.toContain(kit.issuer)
      })
    }
  }

  it('does not follow a redirect, even to a copy that would answer', async () => {
    kit.fail('redirect', { endpoints: ['jwks'] })
    const fetchSpy = vi.fn<typeof fetch>((input, init) => fetch(input, init))
    await rejection(storeFor({}, fetchSpy).getKey(kit.issuer, kit.currentKid))
    for (const [, init] of fetchSpy.mock.calls) expect(init?.redirect).toBe('manual')
    expect(fetchSpy).toHaveBeenCalledTimes(2)
  })

  it('gives up on a hanging issuer after keys.timeout and answers 503', async () => {
    kit.fail('slow', { endpoints: ['jwks'] })
    const error = await rejection(storeFor({ timeout: 200 }).getKey(kit.issuer, kit.currentKid))
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
    expect(error.cause?.error).toMatchObject({ message: expect.stringContaining('200 ms') })
  })

  it('fails fast within the cooldown after a failed cold start, then recovers', async () => {
    kit.fail('500', { endpoints: ['discovery'], times: 1 })
    const store = storeFor()
    await rejection(store.getKey(kit.issuer, kit.currentKid))
    clock.t += 10 * SECOND
    const error = await rejection(store.getKey(kit.issuer, kit.currentKid))
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', retryAfter: 20 })
    expect(kit.requests.discovery).toBe(1)
    clock.t += 20 * SECOND
    await expect(store.getKey(kit.issuer, kit.currentKid)).resolves.toBeDefined()
    expect(kit.requests).toMatchObject({ discovery: 2, jwks: 1 })
  })

  it('ignores keys under 2048 bits, so a set of only 1024-bit keys is unavailable', async () => {
    const weak = await createMockIssuer({ keyBits: 1024 })
    try {
      const store = createKeyStore(
        resolveOptions({ audience: 'x', policy: 'any', issuer: weak.issuer, currentDate: () => new Date(clock.t) }),
      )
      const error = await rejection(store.getKey(weak.issuer, weak.currentKid))
      expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
      expect(weak.requests.jwks).toBe(1)
    } finally {
      await weak.close()
    }
  })

  it('ignores a 1024-bit key published next to a 2048-bit one', async () => {
    const strongKid = kit.currentKid
    const weakKid = kit.rotateKeys({ keyBits: 1024 })
    const store = storeFor()
    await expect(store.getKey(kit.issuer, strongKid)).resolves.toBeDefined()
    const error = await rejection(store.getKey(kit.issuer, weakKid))
    expect(error).toMatchObject({ code: 'ERR_TOKEN_SIGNATURE', status: 401, cause: { claim: 'kid', actual: weakKid } })
  })

  it('refuses a kid of an issuer that is not configured', async () => {
    const error = await rejection(storeFor().getKey('https://evil.example', kit.currentKid))
    expect(error.code).toBe('ERR_TOKEN_ISSUER')
    expect(kit.requests).toMatchObject({ discovery: 0, jwks: 0 })
  })
})

describe('unknown kid', () => {
  it('costs at most one extra JWKS fetch for 200 unknown kids', async () => {
    const store = storeFor()
    await store.getKey(kit.issuer, kit.currentKid)
    clock.t += 31 * SECOND
    const kids = Array.from({ length: 200 }, randomKid)
    const concurrent = await Promise.all(kids.slice(0, 100).map((kid) => rejection(store.getKey(kit.issuer, kid))))
    const sequential: GitHubOidcError[] = []
    for (const kid of kids.slice(100)) sequential.push(await rejection(store.getKey(kit.issuer, kid)))
    for (const [index, error] of [...concurrent, ...sequential].entries()) {
      expect(error).toMatchObject({
        code: 'ERR_TOKEN_SIGNATURE',
        status: 401,
        cause: { claim: 'kid', actual: kids[index] },
      })
      expect(error.message).not.toContain(kids[index])
    }
    expect(kit.requests).toMatchObject({ discovery: 1, jwks: 2 })
  })

  it('fails an unknown kid at once within the cooldown, without fetching', async () => {
    const store = storeFor()
    await store.getKey(kit.issuer, kit.currentKid)
    clock.t += 29 * SECOND
    const error = await rejection(store.getKey(kit.issuer, randomKid()))
    expect(error.code).toBe('ERR_TOKEN_SIGNATURE')
    expect(kit.requests.jwks).toBe(1)
  })

  it('answers 503, not 401, for an unknown kid when the refetch that could find it failed', async () => {
    const store = storeFor()
    const warmKid = kit.currentKid
    const warm = await store.getKey(kit.issuer, warmKid)
    const rotated = kit.rotateKeys()
    kit.fail('down', { endpoints: ['jwks'] })
    clock.t += 31 * SECOND
    const error = await rejection(store.getKey(kit.issuer, rotated))
    expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
    expect(await store.getKey(kit.issuer, warmKid)).toBe(warm) // stale keys keep working
    kit.fail('none')
  })

  it('spends one fetch per cooldown on a flood of random kids', async () => {
    const store = storeFor({ cooldown: 30 })
    await store.getKey(kit.issuer, kit.currentKid)
    for (let second = 1; second <= 120; second++) {
      clock.t += SECOND
      await rejection(store.getKey(kit.issuer, randomKid()))
    }
    expect(kit.requests.jwks).toBe(1 + 4)
  })

  it('accepts a rotated-in key as soon as the cooldown allows, long before the set expires', async () => {
    const store = storeFor()
    const oldKid = kit.currentKid
    await store.getKey(kit.issuer, oldKid)
    const newKid = kit.rotateKeys()
    clock.t += 31 * SECOND
    const key = await store.getKey(kit.issuer, newKid)
    expect(store.isCurrent(kit.issuer, newKid, key)).toBe(true)
    await expect(store.getKey(kit.issuer, oldKid)).resolves.toBeDefined()
    expect(kit.requests).toMatchObject({ discovery: 1, jwks: 2 })
  })

  it('keeps the key handles of unchanged keys across a refetch', async () => {
    const store = storeFor()
    const oldKid = kit.currentKid
    const before = await store.getKey(kit.issuer, oldKid)
    const newKid = kit.rotateKeys()
    clock.t += 31 * SECOND
    await store.getKey(kit.issuer, newKid)
    expect(await store.getKey(kit.issuer, oldKid)).toBe(before)
    expect(store.isCurrent(kit.issuer, oldKid, before)).toBe(true)
  })

  it('forgets a key that left the set after a refresh', async () => {
    const store = storeFor()
    const oldKid = kit.currentKid
    const oldKey = await store.getKey(kit.issuer, oldKid)
    const newKid = kit.rotateKeys({ dropPrevious: true })
    clock.t += 9 * MINUTE
    expect(store.isCurrent(kit.issuer, oldKid, oldKey)).toBe(true)
    await vi.waitFor(() => expect(store.isCurrent(kit.issuer, oldKid, oldKey)).toBe(false))
    await expect(store.getKey(kit.issuer, newKid)).resolves.toBeDefined()
    expect((await rejection(store.getKey(kit.issuer, oldKid))).code).toBe('ERR_TOKEN_SIGNATURE')
    expect(kit.requests.jwks).toBe(2)
  })
})

describe('refresh and outages', () => {
  it('refreshes in the background: a request during the refresh resolves from the cache', async () => {
    let inFlight = 0
    const counting: typeof fetch = async (input, init) => {
      inFlight++
      try {
        return await fetch(input, init)
      } finally {
        inFlight--
      }
    }
    const store = storeFor({ timeout: 10_000 }, counting)
    const key = await store.getKey(kit.issuer, kit.currentKid)
    kit.fail('slow', { endpoints: ['jwks'], times: 1 })
    clock.t += 9 * MINUTE
    expect(await store.getKey(kit.issuer, kit.currentKid)).toBe(key)
    expect(inFlight).toBe(1)
    expect(await store.getKey(kit.issuer, kit.currentKid)).toBe(key)
    await vi.waitFor(() => expect(inFlight).toBe(0), { timeout: 8000 })
    expect(kit.requests.jwks).toBe(2)
  })

  it('keeps serving the last good keys while the issuer is down, until maxStale', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const store = storeFor()
      const key = await store.getKey(kit.issuer, kit.currentKid)
      kit.fail('down')
      for (const step of [9 * MINUTE, HOUR, 12 * HOUR, 10 * HOUR]) {
        clock.t += step
        expect(await store.getKey(kit.issuer, kit.currentKid)).toBe(key)
        expect(store.isCurrent(kit.issuer, kit.currentKid, key)).toBe(true)
        await vi.waitFor(() => expect(kit.requests.jwks).toBeGreaterThan(1))
      }
      clock.t = T0 + 24 * HOUR
      expect(store.isCurrent(kit.issuer, kit.currentKid, key)).toBe(false)
      const error = await rejection(store.getKey(kit.issuer, kit.currentKid))
      expect(error).toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE', status: 503 })
      expect(error.cause?.error).toBeInstanceOf(Error)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })

  it('honours a shorter keys.maxStale', async () => {
    const store = storeFor({ maxStale: 3600 })
    await store.getKey(kit.issuer, kit.currentKid)
    kit.fail('500')
    clock.t += 59 * MINUTE
    await expect(store.getKey(kit.issuer, kit.currentKid)).resolves.toBeDefined()
    clock.t += 2 * MINUTE
    expect(await rejection(store.getKey(kit.issuer, kit.currentKid))).toMatchObject({ status: 503 })
  })

  it('refreshes instead of freezing when the clock is set back', async () => {
    const store = storeFor()
    const key = await store.getKey(kit.issuer, kit.currentKid)
    clock.t = T0 - HOUR
    expect(await store.getKey(kit.issuer, kit.currentKid)).toBe(key)
    await vi.waitFor(() => expect(kit.requests.jwks).toBe(2))
    const newKid = kit.rotateKeys()
    clock.t += 31 * SECOND
    await expect(store.getKey(kit.issuer, newKid)).resolves.toBeDefined()
  })

  it('recovers from an outage on the first refresh after the cooldown', async () => {
    const store = storeFor()
    await store.getKey(kit.issuer, kit.currentKid)
    kit.fail('garbage', { endpoints: ['jwks'], times: 1 })
    clock.t += 9 * MINUTE
    await store.getKey(kit.issuer, kit.currentKid)
    await vi.waitFor(() => expect(kit.requests.jwks).toBe(2))
    const newKid = kit.rotateKeys()
    clock.t += 10 * SECOND
    await rejection(store.getKey(kit.issuer, newKid))
    expect(kit.requests.jwks).toBe(2)
    clock.t += 21 * SECOND
    await expect(store.getKey(kit.issuer, newKid)).resolves.toBeDefined()
    expect(kit.requests).toMatchObject({ jwks: 3, discovery: 2 })
  })
})

describe('isCurrent', () => {
  it('is true only for the handle of that kid in a usable set of a configured issuer', async () => {
    const store = storeFor()
    const kid = kit.currentKid
    expect(store.isCurrent(kit.issuer, kid, {})).toBe(false)
    const key = await store.getKey(kit.issuer, kid)
    expect(store.isCurrent(kit.issuer, kid, key)).toBe(true)
    expect(store.isCurrent(kit.issuer, kid, {})).toBe(false)
    expect(store.isCurrent(kit.issuer, randomKid(), key)).toBe(false)
    expect(store.isCurrent('https://evil.example', kid, key)).toBe(false)
  })

  it('starts the refresh when only cached verdicts are being served', async () => {
    const store = storeFor()
    const key = await store.getKey(kit.issuer, kit.currentKid)
    clock.t += 9 * MINUTE
    expect(store.isCurrent(kit.issuer, kit.currentKid, key)).toBe(true)
    await vi.waitFor(() => expect(kit.requests.jwks).toBe(2))
  })
})

describe('persisted cache', () => {
  function memoryCache(): JwksCache & { entries: Map<string, { jwks: unknown; fetchedAt: number }> } {
    const entries = new Map<string, { jwks: unknown; fetchedAt: number }>()
    return { entries, get: (issuer) => entries.get(issuer), set: (issuer, entry) => void entries.set(issuer, entry) }
  }

  it('uses a persisted key set at cold start without any fetch', async () => {
    const cache = memoryCache()
    cache.entries.set(kit.issuer, { jwks: kit.jwks(), fetchedAt: T0 - MINUTE })
    const store = storeFor({ cache })
    const keys = await Promise.all(Array.from({ length: 20 }, () => store.getKey(kit.issuer, kit.currentKid)))
    expect(new Set(keys).size).toBe(1)
    expect(kit.requests).toMatchObject({ discovery: 0, jwks: 0 })
  })

  it('writes the key set after a fetch', async () => {
    const cache = memoryCache()
    const store = storeFor({ cache })
    await store.getKey(kit.issuer, kit.currentKid)
    expect(cache.entries.get(kit.issuer)).toEqual({ jwks: kit.jwks(), fetchedAt: T0 })
  })

  it('serves a stale persisted set at once and refreshes it in the background', async () => {
    const cache = memoryCache()
    const old = kit.jwks()
    cache.entries.set(kit.issuer, { jwks: old, fetchedAt: T0 - 2 * HOUR })
    const newKid = kit.rotateKeys({ dropPrevious: true })
    const store = storeFor({ cache })
    const oldKid = String(old.keys[0]?.kid)
    const oldKey = await store.getKey(kit.issuer, oldKid)
    await vi.waitFor(() => expect(cache.entries.get(kit.issuer)?.fetchedAt).toBe(T0))
    expect(store.isCurrent(kit.issuer, oldKid, oldKey)).toBe(false)
    await expect(store.getKey(kit.issuer, newKid)).resolves.toBeDefined()
    expect(kit.requests.jwks).toBe(1)
  })

  it('ignores a persisted set older than maxStale', async () => {
    const cache = memoryCache()
    cache.entries.set(kit.issuer, { jwks: kit.jwks(), fetchedAt: T0 - 25 * HOUR })
    await storeFor({ cache }).getKey(kit.issuer, kit.currentKid)
    expect(kit.requests.jwks).toBe(1)
  })

  it('ignores a persisted entry that is not a usable key set', async () => {
    const cache = memoryCache()
    cache.entries.set(kit.issuer, { jwks: { keys: 'nope' }, fetchedAt: T0 })
    await storeFor({ cache }).getKey(kit.issuer, kit.currentKid)
    expect(kit.requests.jwks).toBe(1)
  })

  const failures: Record<string, JwksCache> = {
    'get and set throw': {
      get: () => {
        throw new Error('boom')
      },
      set: () => {
        throw new Error('boom')
      },
    },
    'get and set reject': {
      get: () => Promise.reject(new Error('boom')),
      set: () => Promise.reject(new Error('boom')),
    },
  }
  for (const [name, cache] of Object.entries(failures)) {
    it(`verifies as usual when the cache's ${name}`, async () => {
      const unhandled = vi.fn()
      process.on('unhandledRejection', unhandled)
      try {
        const store = storeFor({ cache })
        await expect(store.getKey(kit.issuer, kit.currentKid)).resolves.toBeDefined()
        await new Promise((resolve) => setTimeout(resolve, 20))
        expect(unhandled).not.toHaveBeenCalled()
        expect(kit.requests.jwks).toBe(1)
      } finally {
        process.off('unhandledRejection', unhandled)
      }
    })
  }
})
