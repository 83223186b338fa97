import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ActionsTokenError, createActionsTokenSource } from '../../src/client/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { against, claimsOf } from './helpers.js'

let kit: MockIssuer

beforeAll(async () => {
  kit = await createMockIssuer({ slowMs: 2000 })
})
afterEach(() => {
  kit.resetCounts()
  kit.fail('none')
})
afterAll(() => kit.close())

/** A fresh source per test: nothing cached between cases. */
function tokenFor(options: ReturnType<typeof against>, audience = 'retry') {
  return createActionsTokenSource(options).getToken(audience)
}

async function failure(promise: Promise<unknown>): Promise<ActionsTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ActionsTokenError)
  return error as ActionsTokenError
}

/** Answers `first` once, then hands over to the real fetch. */
function once(first: () => Response): typeof fetch & { calls: number } {
  const wrapped = Object.assign(
    async (input: string | URL | Request, init?: RequestInit) => {
      wrapped.calls += 1
      return wrapped.calls === 1 ? first() : fetch(input, init)
    },
    { calls: 0 },
  )
  return wrapped
}

describe('retries', () => {
  it.each([
    ['a network error', 'down'],
    ['a 500', '500'],
    ['a body that is not JSON', 'garbage'],
    ['an 8 MiB body', 'oversized'],
  ] as const)('retries after %s and succeeds', async (_, mode) => {
    kit.fail(mode, { endpoints: ['token'], times: 2 })
    const options = against(kit)
    const token = await tokenFor(options)
    expect(claimsOf(token).aud).toBe('retry')
    expect(kit.requests.token).toBe(3)
    expect(options.sleeps).toEqual([500, 1000])
  })

  it('waits as long as Retry-After asks after a 429', async () => {
    kit.fail('429', { endpoints: ['token'], times: 1 })
    const options = against(kit, { random: () => 0 })
    await tokenFor(options)
    expect(kit.requests.token).toBe(2)
    expect(options.sleeps).toEqual([1000])
  })

  it('retries after a 408', async () => {
    const fetch408 = once(() => new Response('{"message":"Request Timeout"}', { status: 408 }))
    const options = against(kit, { fetch: fetch408 })
    expect(claimsOf(await tokenFor(options)).aud).toBe('retry')
    expect(fetch408.calls).toBe(2)
    expect(options.sleeps).toHaveLength(1)
  })

  it('retries after an attempt times out', async () => {
    kit.fail('slow', { endpoints: ['token'], times: 1 })
    const options = against(kit, { timeout: 200 })
    expect(claimsOf(await tokenFor(options)).aud).toBe('retry')
    expect(kit.requests.token).toBe(2)
  })

  it('times out an injected fetch that ignores the abort signal', async () => {
    const hanging: typeof fetch = () => new Promise<Response>(() => {})
    const error = await failure(tokenFor(against(kit, { fetch: hanging, timeout: 50, retries: 1 })))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_REQUEST')
    expect(error.attempts).toBe(2)
    expect(error.message).toContain('timed out after 50 ms')
    expect((error.cause as Error).name).toBe('TimeoutError')
  })

  it('backs off exponentially with full jitter, capped at 8 s', async () => {
    kit.fail('500', { endpoints: ['token'] })
    const options = against(kit, { retries: 6, maxTotalTime: 120_000, random: () => 0.999 })
    await failure(tokenFor(options))
    expect(options.sleeps).toEqual([999, 1998, 3996, 7992, 7992, 7992])
  })
})

describe('giving up', () => {
  it('keeps the last status and cause after the last attempt', async () => {
    kit.fail('500', { endpoints: ['token'] })
    const error = await failure(tokenFor(against(kit, { retries: 2 })))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_REQUEST')
    expect(error.status).toBe(500)
    expect(error.attempts).toBe(3)
    expect(kit.requests.token).toBe(3)
    expect(error.message).toBe('could not get an OIDC ID token after 3 attempt(s): the token endpoint answered 500')
    expect((error.cause as Error).message).toBe('HTTP 500 Internal Server Error: {"message":"Internal Server Error"}')
  })

  it('keeps the network error as the cause, with no status', async () => {
    kit.fail('down', { endpoints: ['token'] })
    const error = await failure(tokenFor(against(kit, { retries: 1 })))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_REQUEST')
    expect(error.status).toBeUndefined()
    expect(error.cause).toBeInstanceOf(TypeError)
    expect(kit.requests.token).toBe(2)
  })

  it('reports an unusable body as ERR_ACTIONS_TOKEN_RESPONSE with the parse error', async () => {
    kit.fail('garbage', { endpoints: ['token'] })
    const error = await failure(tokenFor(against(kit, { retries: 1 })))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_RESPONSE')
    expect(error.status).toBe(200)
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it.each([
    ['no value', '{"count":0}'],
    ['a value that is not a JWT', '{"value":"not.a-jwt"}'],
    ['an unsigned JWT', '{"value":"eyJhbGciOiJub25lIn0.eyJleHAiOjF9."}'],
    ['a JSON array', '[]'],
  ])('rejects an answer with %s', async (_, body) => {
    const stub: typeof fetch = async () => new Response(body, { status: 200 })
    const error = await failure(tokenFor(against(kit, { fetch: stub, retries: 0 })))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_RESPONSE')
    expect(error.message).toMatch(/no `value` holding a JWT|not JSON/)
  })

  it('fails at once on a 401 (a wrong request token), naming the variable and not the token', async () => {
    const options = against(kit)
    const env = { ...kit.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-request-token' }
    const error = await failure(tokenFor({ ...options, env }))
    expect(error.code).toBe('ERR_ACTIONS_TOKEN_REQUEST')
    expect(error.status).toBe(401)
    expect(error.attempts).toBe(1)
    expect(kit.requests.token).toBe(1)
    expect(options.sleeps).toEqual([])
    expect(error.message).toContain('ACTIONS_ID_TOKEN_REQUEST_TOKEN was refused')
    expect(`${error.message} ${(error.cause as Error).message}`).not.toContain('wrong-request-token')
  })

  it('fails at once on a 400', async () => {
    const env = { ...kit.env, ACTIONS_ID_TOKEN_REQUEST_URL: `${kit.issuer}/_apis/token` }
    const error = await failure(tokenFor(against(kit, { env })))
    expect([error.status, error.attempts, kit.requests.token]).toEqual([400, 1, 1])
  })

  it('does not follow a redirect, which would carry the request token elsewhere', async () => {
    kit.fail('redirect', { endpoints: ['token'] })
    const error = await failure(tokenFor(against(kit)))
    expect([error.code, error.status, error.attempts]).toEqual(['ERR_ACTIONS_TOKEN_REQUEST', 302, 1])
    expect(error.message).toContain('redirect')
  })

  it('gives up at once when Retry-After asks for more than the time left', async () => {
    const headers = { 'Retry-After': '120' }
    const stub = once(() => new Response('{}', { status: 429, headers }))
    const options = against(kit, { fetch: stub })
    const error = await failure(tokenFor(options))
    expect([error.status, error.attempts, stub.calls]).toEqual([429, 1, 1])
    expect(options.sleeps).toEqual([])
    expect(error.message).toContain('no time left to retry within 30000 ms')
  })

  it('honours an HTTP-date Retry-After', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0)
    const stub = once(
      () => new Response('{}', { status: 503, headers: { 'Retry-After': new Date(now + 3000).toUTCString() } }),
    )
    const options = against(kit, { fetch: stub, now: () => now, random: () => 0 })
    await tokenFor(options)
    expect(options.sleeps).toEqual([3000])
  })

  it('stops before a wait would pass maxTotalTime', async () => {
    kit.fail('500', { endpoints: ['token'] })
    let clock = 0
    const options = against(kit, { retries: 10, maxTotalTime: 5000, random: () => 0.999, now: () => clock })
    const sleeps: number[] = []
    const error = await failure(
      tokenFor({
        ...options,
        sleep: async (ms) => {
          sleeps.push(ms)
          clock += ms
        },
      }),
    )
    expect(sleeps).toEqual([999, 1998])
    expect(error.attempts).toBe(3)
    expect(error.message).toContain('no time left')
  })
})
