import { createHmac, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IDENTITY_CLAIMS } from '../../src/core/claims.js'
import { GitHubOidcError, KeysUnavailableError } from '../../src/core/errors.js'
import type { VerifierOptions } from '../../src/core/options.js'
import { createVerifier, type Verifier } from '../../src/core/verify.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { codeOf } from '../helpers/code-of.js'

const AUDIENCE = 'https://api.example.com'
const NOW = 1_750_000_000 // seconds; the kit and every verifier share this pinned clock
const clock = () => new Date(NOW * 1000)
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

let kit: MockIssuer
let verifier: Verifier

beforeAll(async () => {
  kit = await createMockIssuer({ now: clock })
  verifier = make()
})
afterAll(() => kit.close())

function make(options: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ audience: AUDIENCE, policy: 'any', issuer: kit.issuer, currentDate: clock, ...options })
}

/** A token signed by the kit's current key with exactly this payload (and header overrides). */
function signed(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return kit.sign({ typ: 'JWT', ...header }, payload)
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const token = kit.mint({}, { audience: AUDIENCE })
  const base = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())
  const merged: Record<string, unknown> = { ...base, ...overrides }
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete merged[name]
  return merged
}

describe('createVerifier().verify', () => {
  it('accepts a token from the issuer and returns its claims, frozen', async () => {
    const result = await verifier.verify(kit.mint({ repository: 'octo-org/octo-repo' }, { audience: AUDIENCE }))
    expect(result.repository).toBe('octo-org/octo-repo')
    expect(result.iss).toBe(kit.issuer)
    expect(Object.isFrozen(result)).toBe(true)
  })

  it('accepts any of several configured audiences', async () => {
    const multi = make({ audience: ['https://a.example', AUDIENCE] })
    expect(await codeOf(multi.verify(signed(claims())))).toBe('ok')
  })

  it('rejects a value that is not a string as malformed', async () => {
    expect(await codeOf(verifier.verify(42 as unknown as string))).toBe('ERR_TOKEN_MALFORMED')
  })
})

describe('algorithm attacks', () => {
  it('rejects alg none, with or without a signature', async () => {
    const unsigned = `${b64({ alg: 'none', kid: kit.currentKid })}.${b64(claims())}`
    expect(await codeOf(verifier.verify(`${unsigned}.`))).toBe('ERR_TOKEN_MALFORMED')
    expect(await codeOf(verifier.verify(`${unsigned}.AAAA`))).toBe('ERR_TOKEN_ALGORITHM')
  })

  it('rejects HS256 keyed with the public key (key confusion)', async () => {
    const input = `${b64({ alg: 'HS256', kid: kit.currentKid })}.${b64(claims())}`
    for (const secret of [JSON.stringify(kit.currentJwk), String(kit.currentJwk.n)]) {
      const mac = createHmac('sha256', secret).update(input).digest('base64url')
      expect(await codeOf(verifier.verify(`${input}.${mac}`))).toBe('ERR_TOKEN_ALGORITHM')
    }
  })

  it('rejects RS512, PS256 and ES256 even when correctly signed', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const cases = [
      ['RS512', (data: Buffer) => sign('sha512', data, rsa.privateKey)],
      ['PS256', (data: Buffer) => sign('sha256', data, { key: rsa.privateKey, padding: 6, saltLength: 32 })],
      ['ES256', (data: Buffer) => sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })],
    ] as const
    for (const [alg, signWith] of cases) {
      const input = `${b64({ alg, kid: kit.currentKid })}.${b64(claims())}`
      const token = `${input}.${signWith(Buffer.from(input)).toString('base64url')}`
      expect(await codeOf(verifier.verify(token))).toBe('ERR_TOKEN_ALGORITHM')
    }
  })
})

describe('key selection attacks', () => {
  it('requires a kid', async () => {
    expect(await codeOf(verifier.verify(signed(claims(), { kid: undefined })))).toBe('ERR_TOKEN_MALFORMED')
  })

  it('rejects an unknown kid', async () => {
    expect(await codeOf(verifier.verify(signed(claims(), { kid: 'no-such-key' })))).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('never fetches or uses a key named by jku or x5u, or embedded as jwk or x5c', async () => {
    const attacker = await createMockIssuer({ now: clock })
    try {
      const jwk = attacker.currentJwk
      const header = { kid: attacker.currentKid, jku: attacker.jwksUri, x5u: attacker.jwksUri, jwk, x5c: ['MIIB'] }
      const token = attacker.sign(header, { ...claims(), iss: kit.issuer })
      expect(await codeOf(make().verify(token))).toBe('ERR_TOKEN_SIGNATURE')
      // The same with the victim's kid: the embedded key is not used either.
      const spoofed = attacker.sign({ ...header, kid: kit.currentKid }, { ...claims(), iss: kit.issuer })
      expect(await codeOf(make().verify(spoofed))).toBe('ERR_TOKEN_SIGNATURE')
      expect(attacker.requests).toEqual({ discovery: 0, jwks: 0, token: 0 })
    } finally {
      await attacker.close()
    }
  })

  it('rejects a crit header', async () => {
    expect(await codeOf(verifier.verify(signed(claims(), { crit: ['exp'], exp: 1 })))).toBe('ERR_TOKEN_MALFORMED')
  })
})

describe('issuer look-alikes', () => {
  it('rejects every near miss of the configured issuer without fetching anything for it', async () => {
    const url = new URL(kit.issuer)
    const lookAlikes = [
      `${kit.issuer}/`,
      `${kit.issuer}.evil.example`,
      `${kit.issuer}/..`,
      `${kit.issuer}/x/..`,
      `${kit.issuer}/other-enterprise`,
      kit.issuer.replace('http:', 'https:'),
      kit.issuer.toUpperCase(),
      `http://localhost:${url.port}`,
      `http://127.0.0.1:${Number(url.port) + 1}`,
      ` ${kit.issuer}`,
      'https://token.actions.githubusercontent.com',
    ]
    kit.resetCounts()
    const fresh = make()
    for (const iss of lookAlikes) {
      expect(await codeOf(fresh.verify(signed(claims({ iss }))))).toBe('ERR_TOKEN_ISSUER')
    }
    for (const iss of [undefined, 42, [kit.issuer], null]) {
      expect(await codeOf(fresh.verify(signed(claims({ iss }))))).toBe('ERR_TOKEN_ISSUER')
    }
    expect(kit.requests.discovery).toBe(0)
  })

  it('accepts the enterprise-scoped issuer only for the configured slug, with that issuer’s keys', async () => {
    const enterpriseKit = await createMockIssuer({ now: clock, enterprise: 'acme' })
    try {
      const scoped = `${enterpriseKit.issuer}/acme`
      const options = { audience: AUDIENCE, policy: 'any', issuer: enterpriseKit.issuer, currentDate: clock } as const
      const token = enterpriseKit.mint({ iss: scoped }, { audience: AUDIENCE })
      const claims = await createVerifier({ ...options, enterprise: 'acme' }).verify(token)
      expect(claims.iss).toBe(scoped)
      expect(enterpriseKit.requests.discovery).toBe(1) // the scoped issuer's own discovery document
      const other = enterpriseKit.mint({ iss: `${enterpriseKit.issuer}/other` }, { audience: AUDIENCE })
      expect(await codeOf(createVerifier({ ...options, enterprise: 'acme' }).verify(other))).toBe('ERR_TOKEN_ISSUER')
      expect(await codeOf(createVerifier(options).verify(token))).toBe('ERR_TOKEN_ISSUER')
    } finally {
      await enterpriseKit.close()
    }
  })
})

describe('audience', () => {
  it('rejects another audience, and aud that is not a string', async () => {
    for (const aud of ['https://other.example', `${AUDIENCE}/`, [AUDIENCE], 42, null, undefined, '']) {
      expect(await codeOf(verifier.verify(signed(claims({ aud }))))).toBe('ERR_TOKEN_AUDIENCE')
    }
  })
})

describe('times', () => {
  it('rejects exp at the tolerance and accepts it one second inside', async () => {
    expect(await codeOf(verifier.verify(signed(claims({ exp: NOW - 30 }))))).toBe('ERR_TOKEN_EXPIRED')
    expect(await codeOf(verifier.verify(signed(claims({ exp: NOW - 29 }))))).toBe('ok')
    expect(await codeOf(verifier.verify(signed(claims({ exp: NOW - 3600 }))))).toBe('ERR_TOKEN_EXPIRED')
  })

  it('rejects nbf and iat beyond the tolerance in the future, accepts them at it', async () => {
    expect(await codeOf(verifier.verify(signed(claims({ nbf: NOW + 31 }))))).toBe('ERR_TOKEN_NOT_YET_VALID')
    expect(await codeOf(verifier.verify(signed(claims({ nbf: NOW + 30 }))))).toBe('ok')
    expect(await codeOf(verifier.verify(signed(claims({ iat: NOW + 31, nbf: undefined }))))).toBe(
      'ERR_TOKEN_NOT_YET_VALID',
    )
    expect(await codeOf(verifier.verify(signed(claims({ iat: NOW + 30, nbf: undefined }))))).toBe('ok')
  })

  it('requires exp and iat as numbers, and nbf as a number when present', async () => {
    for (const name of ['exp', 'iat']) {
      for (const value of [undefined, String(NOW + 60), null, Number.NaN]) {
        expect(await codeOf(verifier.verify(signed(claims({ [name]: value }))))).toBe('ERR_TOKEN_CLAIMS')
      }
    }
    expect(await codeOf(verifier.verify(signed(claims({ nbf: String(NOW) }))))).toBe('ERR_TOKEN_CLAIMS')
  })

  it('honours a custom clockTolerance and maxTokenAge', async () => {
    const strict = make({ clockTolerance: 0, maxTokenAge: 60 })
    expect(await codeOf(strict.verify(signed(claims({ exp: NOW }))))).toBe('ERR_TOKEN_EXPIRED')
    expect(await codeOf(strict.verify(signed(claims({ iat: NOW - 61, nbf: undefined }))))).toBe('ERR_TOKEN_EXPIRED')
    expect(await codeOf(strict.verify(signed(claims({ iat: NOW - 60, nbf: undefined }))))).toBe('ok')
  })

  it('says how long ago a token expired', async () => {
    const error = await verifier.verify(signed(claims({ exp: NOW - 180 }))).catch((e: unknown) => e)
    expect((error as Error).message).toBe('token expired 3 min ago')
    expect((error as GitHubOidcError).cause).toMatchObject({ claim: 'exp', seconds: 180 })
  })
})

describe('identity claims', () => {
  it.each(IDENTITY_CLAIMS)('rejects a token whose %s is missing, empty or not a string', async (name) => {
    for (const value of [undefined, '', 42, null, ['x'], { a: 1 }]) {
      expect(await codeOf(verifier.verify(signed(claims({ [name]: value }))))).toBe('ERR_TOKEN_CLAIMS')
    }
  })

  it('rejects the non-ID tokens the same issuer signs (no sub, foreign aud)', async () => {
    const runnerCredential = { iss: kit.issuer, aud: 'vso:1234', exp: NOW + 300, iat: NOW, nbf: NOW - 300 }
    expect(await codeOf(verifier.verify(signed(runnerCredential)))).toBe('ERR_TOKEN_AUDIENCE')
    expect(await codeOf(verifier.verify(signed({ ...runnerCredential, aud: AUDIENCE })))).toBe('ERR_TOKEN_CLAIMS')
  })

  it('passes unknown claims through', async () => {
    const result = await verifier.verify(signed(claims({ check_run_id: '42', repo_property_team: 'core' })))
    expect(result.check_run_id).toBe('42')
    expect(result.repo_property_team).toBe('core')
  })
})

describe('signature tampering', () => {
  const parts = () => signed(claims()).split('.') as [string, string, string]

  it('rejects a flipped bit anywhere in the signature', async () => {
    const [h, p, s] = parts()
    const bytes = Buffer.from(s, 'base64url')
    for (const index of [0, 1, 100, bytes.length - 1]) {
      const copy = Buffer.from(bytes)
      copy[index] = (copy[index] ?? 0) ^ 0x01
      expect(await codeOf(verifier.verify(`${h}.${p}.${copy.toString('base64url')}`))).toBe('ERR_TOKEN_SIGNATURE')
    }
  })

  it('rejects a stripped, truncated or swapped signature', async () => {
    const [h, p, s] = parts()
    const other = signed(claims({ sub: 'repo:someone/else:ref:refs/heads/main' })).split('.')[2] as string
    expect(await codeOf(verifier.verify(`${h}.${p}.`))).toBe('ERR_TOKEN_MALFORMED')
    expect(await codeOf(verifier.verify(`${h}.${p}`))).toBe('ERR_TOKEN_MALFORMED')
    expect(await codeOf(verifier.verify(`${h}.${p}.${s.slice(0, 340)}`))).toBe('ERR_TOKEN_SIGNATURE')
    expect(await codeOf(verifier.verify(`${h}.${p}.${other}`))).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('rejects a payload swapped under a valid signature', async () => {
    const [h, , s] = parts()
    const forged = b64(claims({ repository: 'attacker/repo' }))
    expect(await codeOf(verifier.verify(`${h}.${forged}.${s}`))).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('rejects a signature by a 2048-bit key that is not the issuer’s, under the issuer’s kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const input = `${b64({ alg: 'RS256', kid: kit.currentKid })}.${b64(claims())}`
    const token = `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }))).toString('base64url')}`
    expect(await codeOf(verifier.verify(token))).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('calls a token with whitespace, padding or foreign characters in its header or payload malformed', async () => {
    const [h, p, s] = parts()
    for (const token of [
      ` ${h}.${p}.${s}`,
      `${h}.${p}=.${s}`,
      `${h}.${p.slice(0, 10)}*${p.slice(11)}.${s}`,
      `${h}=.${p}.${s}`,
    ]) {
      expect(await codeOf(verifier.verify(token))).toBe('ERR_TOKEN_MALFORMED')
    }
  })

  it('rejects a 100 KiB token as malformed', async () => {
    expect(await codeOf(verifier.verify(signed(claims({ padding: 'x'.repeat(100 * 1024) }))))).toBe(
      'ERR_TOKEN_MALFORMED',
    )
  })
})

describe('authenticate: every Authorization header form', () => {
  it('takes the token from a Request, Headers, a header string and a one-value list', async () => {
    const token = kit.mint({}, { audience: AUDIENCE })
    const request = new Request('http://127.0.0.1/', { headers: { authorization: `Bearer ${token}` } })
    for (const input of [request, request.headers, `Bearer ${token}`, `bearer ${token}`, [`Bearer ${token}`]]) {
      expect((await verifier.authenticate(input)).aud).toBe(AUDIENCE)
    }
  })

  it('maps none, empty, other scheme, bare Bearer, two tokens and two headers to their codes', async () => {
    const token = kit.mint({}, { audience: AUDIENCE })
    const cases: [Parameters<Verifier['authenticate']>[0], string][] = [
      [undefined, 'ERR_TOKEN_MISSING'],
      ['', 'ERR_TOKEN_MISSING'],
      ['Basic dXNlcjpwYXNz', 'ERR_TOKEN_MISSING'],
      ['Bearer', 'ERR_REQUEST_INVALID'],
      [`Bearer ${token} ${token}`, 'ERR_REQUEST_INVALID'],
      [[`Bearer ${token}`, `Bearer ${token}`], 'ERR_REQUEST_INVALID'],
      ['Bearer a"b.c.d', 'ERR_TOKEN_MALFORMED'],
      [`Bearer ${token}\u0000`, 'ERR_TOKEN_MALFORMED'],
    ]
    for (const [input, code] of cases) expect(await codeOf(verifier.authenticate(input))).toBe(code)
  })
})

describe('policy', () => {
  it('denies with 403 and keeps the reason in cause, out of the message', async () => {
    const strict = make({ policy: { repository_owner_id: '1' } })
    const error = (await strict
      .verify(kit.mint({ repository_owner_id: '2' }, { audience: AUDIENCE }))
      .catch((e) => e)) as GitHubOidcError
    expect(error.code).toBe('ERR_POLICY_DENIED')
    expect(error.status).toBe(403)
    expect(error.message).not.toContain('repository_owner_id')
    expect(JSON.stringify(error.cause)).toContain('repository_owner_id')
  })

  it('withPolicy can only tighten, and is evaluated on every cached hit', async () => {
    const base = make({ policy: { repository: 'octo-org/*' } })
    const narrower = base.withPolicy({ environment: 'production' })
    const deploy = kit.mint({ repository: 'octo-org/app', environment: 'production' }, { audience: AUDIENCE })
    const push = kit.mint({ repository: 'octo-org/app', environment: undefined }, { audience: AUDIENCE })
    const foreign = kit.mint({ repository: 'evil/app', environment: 'production' }, { audience: AUDIENCE })
    expect(await codeOf(narrower.verify(deploy))).toBe('ok')
    expect(await codeOf(base.verify(push))).toBe('ok')
    expect(await codeOf(narrower.verify(push))).toBe('ERR_POLICY_DENIED') // cached by base, denied here
    expect(await codeOf(narrower.verify(foreign))).toBe('ERR_POLICY_DENIED')
  })
})

describe('the verdict cache', () => {
  it('remembers a token from its second use, then answers from memory', async () => {
    const fresh = make()
    const token = signed(claims())
    const first = await fresh.verify(token)
    const second = await fresh.verify(token)
    const third = await fresh.verify(token)
    expect(second).not.toBe(first) // verified again: the first sighting is only noted
    expect(third).toBe(second) // a cache hit returns the remembered claims
  })

  it('remembers nothing with cacheSize 0', async () => {
    const uncached = make({ cacheSize: 0 })
    const token = signed(claims())
    const results = [await uncached.verify(token), await uncached.verify(token), await uncached.verify(token)]
    expect(new Set(results).size).toBe(3)
  })

  it('still expires a remembered token', async () => {
    let now = NOW
    const moving = make({ currentDate: () => new Date(now * 1000) })
    const token = signed(claims({ exp: NOW + 60 }))
    expect(await codeOf(moving.verify(token))).toBe('ok')
    expect(await codeOf(moving.verify(token))).toBe('ok') // now remembered
    now = NOW + 91
    expect(await codeOf(moving.verify(token))).toBe('ERR_TOKEN_EXPIRED')
  })

  it('forgets a token once its key leaves the key set', async () => {
    const own = await createMockIssuer({ now: clock })
    try {
      let now = NOW
      const moving = createVerifier({
        audience: AUDIENCE,
        policy: 'any',
        issuer: own.issuer,
        currentDate: () => new Date(now * 1000),
        keys: { cooldown: 1 },
      })
      const token = own.mint({}, { audience: AUDIENCE, expiresIn: 3600 })
      expect(await codeOf(moving.verify(token))).toBe('ok')
      expect(await codeOf(moving.verify(token))).toBe('ok') // now remembered
      own.rotateKeys({ dropPrevious: true })
      now = NOW + 700 // past the 10 min freshness: the next request refreshes the set
      await codeOf(moving.verify(token))
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await codeOf(moving.verify(token))).toBe('ERR_TOKEN_SIGNATURE')
    } finally {
      await own.close()
    }
  })
})

describe('keys unavailable', () => {
  it('fails with 503 ERR_KEYS_UNAVAILABLE, not a token error, when the issuer is down at cold start', async () => {
    const down = await createMockIssuer({ now: clock })
    try {
      down.fail('down')
      const cold = createVerifier({ audience: AUDIENCE, policy: 'any', issuer: down.issuer, currentDate: clock })
      const error = await cold.verify(down.mint({}, { audience: AUDIENCE })).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KeysUnavailableError)
      expect((error as KeysUnavailableError).status).toBe(503)
    } finally {
      await down.close()
    }
  })
})

describe('messages', () => {
  it('never contain the token', async () => {
    const token = signed(claims({ exp: NOW - 100 }))
    const variants = [token, `${token}x`, token.replace('.', '..'), `Bearer ${token} ${token}`]
    for (const variant of variants) {
      const error = (await verifier
        .authenticate(variant.startsWith('Bearer') ? variant : `Bearer ${variant}`)
        .catch((e) => e)) as Error
      expect(error).toBeInstanceOf(GitHubOidcError)
      expect(error.message).not.toContain(token.split('.')[2])
      expect(JSON.stringify(error.cause ?? {})).not.toContain(token.split('.')[2])
    }
  })
})

describe('no input becomes anything but a verdict', () => {
  it('rejects 3000 random headers and tokens with a GitHubOidcError only', async () => {
    let seed = 7
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0
      return seed / 2 ** 32
    }
    const pieces = [
      'Bearer ',
      'bearer\t',
      '.',
      '..',
      'eyJ',
      '=',
      ',',
      ' ',
      '\u0000',
      'é',
      '\ud800',
      '{}',
      'A'.repeat(5000),
    ]
    const realParts = kit.mint({}, { audience: AUDIENCE }).split('.')
    const unexpected: unknown[] = []
    for (let i = 0; i < 3000; i++) {
      let input = ''
      const count = Math.floor(next() * 8)
      for (let j = 0; j < count; j++) {
        const roll = next()
        if (roll < 0.4) input += pieces[Math.floor(next() * pieces.length)]
        else if (roll < 0.7) input += realParts[Math.floor(next() * realParts.length)]
        else input += String.fromCharCode(Math.floor(next() * 0x3000))
      }
      const outcome = next() < 0.5 ? verifier.authenticate(input) : verifier.verify(input)
      await outcome.then(
        () => {},
        (error: unknown) => {
          if (!(error instanceof GitHubOidcError)) unexpected.push(error)
        },
      )
    }
    expect(unexpected).toEqual([])
  })
})
