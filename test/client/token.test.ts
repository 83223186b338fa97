import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  ActionsTokenError,
  createActionsTokenSource,
  getActionsHeader,
  getActionsToken,
  isActionsTokenError,
  resetActionsTokenCache,
} from '../../src/client/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { against, claimsOf } from './helpers.js'

let kit: MockIssuer

beforeAll(async () => {
  kit = await createMockIssuer()
})
afterEach(() => {
  resetActionsTokenCache()
  kit.resetCounts()
  kit.fail('none')
  kit.setTokenClaims()
})
afterAll(() => kit.close())

describe('the token request', () => {
  it('sends GET with the request token, Accept: application/json and the api-version kept', async () => {
    const seen: { url: URL; init: RequestInit | undefined }[] = []
    const token = await getActionsToken('api.example.com', {
      ...against(kit),
      fetch: (input, init) => {
        seen.push({ url: new URL(String(input)), init })
        return fetch(input, init)
      },
    })
    expect(seen).toHaveLength(1)
    const [{ url, init }] = seen as [(typeof seen)[0]]
    expect(init?.method).toBe('GET')
    const headers = new Headers(init?.headers)
    expect(headers.get('authorization')).toBe(`Bearer ${kit.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`)
    expect(headers.get('accept')).toBe('application/json')
    expect(url.searchParams.getAll('api-version')).toEqual(['2.0'])
    expect(url.searchParams.getAll('audience')).toEqual(['api.example.com'])
    expect(claimsOf(token).aud).toBe('api.example.com')
  })

  it('encodes an audience with ?, &, =, +, spaces and non-ASCII so the token carries it unchanged', async () => {
    const audience = 'https://api.example.com/a b?x=1&y=2+3#frag/ünïcødé ✓ 認証'
    const seen: string[] = []
    const token = await getActionsToken(audience, {
      ...against(kit),
      fetch: (input, init) => {
        seen.push(String(input))
        return fetch(input, init)
      },
    })
    expect(claimsOf(token).aud).toBe(audience)
    expect(seen[0]).not.toContain(' ')
    expect(seen[0]).not.toMatch(/[^\x21-\x7e]/)
    expect(seen[0]).toContain('a%20b')
    expect(new URL(seen[0] ?? '').searchParams.getAll('api-version')).toEqual(['2.0'])
  })

  it('replaces an audience already in the request URL instead of adding a second one', async () => {
    const env = { ...kit.env, ACTIONS_ID_TOKEN_REQUEST_URL: `${kit.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=evil` }
    const token = await getActionsToken('good', { ...against(kit), env })
    expect(claimsOf(token).aud).toBe('good')
  })

  it('answers getActionsHeader with exactly a Bearer Authorization header', async () => {
    const header = await getActionsHeader('api.example.com', against(kit))
    expect(Object.keys(header)).toEqual(['Authorization'])
    expect(header.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('rejects an empty or non-string audience with a TypeError before any request', async () => {
    await expect(getActionsToken('', against(kit))).rejects.toThrow(TypeError)
    await expect(getActionsToken(42 as unknown as string, against(kit))).rejects.toThrow(/audience/)
    expect(kit.requests.token).toBe(0)
  })

  it('rejects bad options with a TypeError naming the option', async () => {
    await expect(getActionsToken('a', { retries: -1 })).rejects.toThrow(/options\.retries/)
    await expect(getActionsToken('a', { timeout: 0 })).rejects.toThrow(/options\.timeout/)
    await expect(getActionsToken('a', { token: 'not-a-jwt' })).rejects.toThrow(/options\.token/)
    await expect(getActionsToken('a', { fetch: 'x' as unknown as typeof fetch })).rejects.toThrow(/options\.fetch/)
  })
})

describe('the cache', () => {
  it('serves 50 concurrent calls for one audience with one request', async () => {
    const options = against(kit)
    const tokens = await Promise.all(Array.from({ length: 50 }, () => getActionsToken('single-flight', options)))
    expect(kit.requests.token).toBe(1)
    expect(new Set(tokens).size).toBe(1)
  })

  it('serves sequential calls from the cache', async () => {
    const first = await getActionsToken('sequential', against(kit))
    for (let i = 0; i < 5; i++) expect(await getActionsToken('sequential', against(kit))).toBe(first)
    expect(kit.requests.token).toBe(1)
  })

  it('keeps one token per audience', async () => {
    const a = await getActionsToken('aud-a', against(kit))
    const b = await getActionsToken('aud-b', against(kit))
    expect([claimsOf(a).aud, claimsOf(b).aud]).toEqual(['aud-a', 'aud-b'])
    expect(kit.requests.token).toBe(2)
  })

  it('never shares a token between two request URLs (two jobs or issuers in one process)', async () => {
    const other = await createMockIssuer()
    try {
      const a = await getActionsToken('shared-aud', against(kit))
      const b = await getActionsToken('shared-aud', against(other))
      expect(claimsOf(a).iss).toBe(kit.issuer)
      expect(claimsOf(b).iss).toBe(other.issuer)
      expect([kit.requests.token, other.requests.token]).toEqual([1, 1])
    } finally {
      await other.close()
    }
  })

  it('requests a new token once the cached one is within 60 s of exp', async () => {
    const start = Date.now()
    let now = start
    const clocked = await createMockIssuer({ now: () => new Date(now) })
    try {
      const options = against(clocked, { now: () => now })
      const first = await getActionsToken('refresh', options) // exp = iat + 300 s
      now = start + 239_000
      expect(await getActionsToken('refresh', options)).toBe(first)
      expect(clocked.requests.token).toBe(1)
      now = start + 241_000
      const second = await getActionsToken('refresh', options)
      expect(second).not.toBe(first)
      expect(clocked.requests.token).toBe(2)
      expect(await getActionsToken('refresh', options)).toBe(second)
      expect(clocked.requests.token).toBe(2)
    } finally {
      await clocked.close()
    }
  })

  it('does not cache a token that has less than 60 s left', async () => {
    kit.setTokenClaims({}, { expiresIn: 30 })
    await getActionsToken('short', against(kit))
    await getActionsToken('short', against(kit))
    expect(kit.requests.token).toBe(2)
  })

  it('does not cache a token whose exp cannot be read', async () => {
    const segment = (text: string) => Buffer.from(text).toString('base64url')
    for (const payload of ['not json', '{"aud":"x"}', '{"exp":"soon"}']) {
      const value = `${segment('{"alg":"RS256"}')}.${segment(payload)}.${segment('signature')}`
      let calls = 0
      const stub: typeof fetch = async () => {
        calls += 1
        return Response.json({ value })
      }
      const source = createActionsTokenSource({ ...against(kit), fetch: stub })
      expect(await source.getToken('no-exp')).toBe(value)
      expect(await source.getToken('no-exp')).toBe(value)
      expect(calls).toBe(2)
    }
  })

  it('does not cache a failure', async () => {
    kit.fail('500', { endpoints: ['token'], times: 1 })
    await expect(getActionsToken('after-failure', against(kit, { retries: 0 }))).rejects.toMatchObject({ status: 500 })
    await expect(getActionsToken('after-failure', against(kit, { retries: 0 }))).resolves.toMatch(/\./)
    expect(kit.requests.token).toBe(2)
  })

  it('shares one failed request between concurrent callers, all rejected with the same error', async () => {
    kit.fail('500', { endpoints: ['token'] })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => getActionsToken('shared-failure', against(kit, { retries: 0 }))),
    )
    expect(kit.requests.token).toBe(1)
    expect(results.map((result) => result.status)).toEqual(Array(10).fill('rejected'))
  })

  it('forgets every token on resetActionsTokenCache()', async () => {
    await getActionsToken('reset', against(kit))
    resetActionsTokenCache()
    await getActionsToken('reset', against(kit))
    expect(kit.requests.token).toBe(2)
  })

  it('gives each token source its own cache, and clear() empties it', async () => {
    const one = createActionsTokenSource(against(kit))
    const two = createActionsTokenSource(against(kit))
    const a = await one.getToken('sources')
    expect(await one.getToken('sources')).toBe(a)
    expect(await two.getToken('sources')).not.toBe(a)
    expect(kit.requests.token).toBe(2)
    one.clear()
    expect(await one.getToken('sources')).not.toBe(a)
    expect(await one.getHeader('sources')).toEqual({ Authorization: `Bearer ${await one.getToken('sources')}` })
    expect(kit.requests.token).toBe(3)
  })

  it('does not cache a token whose request was in flight when the cache was cleared', async () => {
    const source = createActionsTokenSource(against(kit))
    const pending = source.getToken('cleared')
    source.clear()
    await pending
    await source.getToken('cleared')
    expect(kit.requests.token).toBe(2)
  })
})

describe('a token handed in', () => {
  it('uses options.token without any request', async () => {
    const token = kit.mint({}, { audience: 'handed-in' })
    expect(await getActionsToken('anything', { ...against(kit), token })).toBe(token)
    expect(kit.requests.token).toBe(0)
  })

  it('uses GITHUB_OIDC_TOKEN from the environment before the Actions variables', async () => {
    const token = kit.mint({}, { audience: 'from-env' })
    expect(await getActionsToken('x', { ...against(kit), env: { ...kit.env, GITHUB_OIDC_TOKEN: token } })).toBe(token)
    expect(kit.requests.token).toBe(0)
  })

  it('rejects a GITHUB_OIDC_TOKEN that is not a JWT, without echoing it', async () => {
    const error = await getActionsToken('x', { env: { GITHUB_OIDC_TOKEN: 'secret-ish value' } }).catch((e) => e)
    expect(error).toBeInstanceOf(ActionsTokenError)
    expect(error.code).toBe('ERR_ACTIONS_ENV_INVALID')
    expect(error.message).not.toContain('secret-ish')
  })
})

describe('a job without the permission', () => {
  it('explains the fix when the Actions variables are missing', async () => {
    const error = await getActionsToken('x', { env: { GITHUB_ACTIONS: 'true' } }).catch((e) => e)
    expect(error).toBeInstanceOf(ActionsTokenError)
    expect(isActionsTokenError(error)).toBe(true)
    expect(isActionsTokenError(new Error('x'))).toBe(false)
    expect(error.code).toBe('ERR_ACTIONS_ENV_MISSING')
    expect(error.attempts).toBe(0)
    expect(error.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN')
    expect(error.message).toContain('permissions: id-token: write')
    expect(error.message).toMatch(/pull requests from forks get no ID token/i)
    expect(error.message).toContain('Dependabot')
    expect(error.message).toContain('GITHUB_OIDC_TOKEN')
  })

  it('names only the variable that is missing, and says when it is not running in Actions', async () => {
    const error = await getActionsToken('x', {
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: kit.env.ACTIONS_ID_TOKEN_REQUEST_URL },
    }).catch((e) => e)
    expect(error.code).toBe('ERR_ACTIONS_ENV_MISSING')
    expect(error.message).toMatch(/^Not running in GitHub Actions: no ACTIONS_ID_TOKEN_REQUEST_TOKEN,/)
  })

  it('rejects a request URL that is not a URL, or plain http: off loopback, before sending the request token', async () => {
    const calls: unknown[] = []
    const spy: typeof fetch = async (input) => {
      calls.push(input)
      return new Response('{}')
    }
    for (const url of ['not a url', 'http://token.example.com/_apis/token?api-version=2.0', 'file:///etc/passwd']) {
      const env = { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' }
      await expect(getActionsToken('x', { env, fetch: spy })).rejects.toMatchObject({ code: 'ERR_ACTIONS_ENV_INVALID' })
    }
    expect(calls).toEqual([])
  })

  it('reads process.env at call time when no env is given', async () => {
    const saved = { ...process.env }
    try {
      Object.assign(process.env, kit.env)
      delete process.env.GITHUB_OIDC_TOKEN
      const token = await getActionsToken('process-env', { mask: false })
      expect(claimsOf(token).aud).toBe('process-env')
    } finally {
      for (const name of Object.keys(kit.env)) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
    }
  })
})
