import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { run } from './helpers.js'

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/github-real/', import.meta.url))
const TOKEN_1 = `${fixtures}token-1.jwt`
const TOKEN_9 = `${fixtures}token-9.jwt`
const JWKS_1 = `${fixtures}jwks-1.json`
// token-1: iat 2025-03-29T11:03:47Z, exp 2025-03-29T17:03:47Z, aud https://example.com
const INSIDE = '2025-03-29T12:00:00Z'
/** `verify -` (the token on stdin) against the saved key set. */
const offline = (...extra: string[]) => ['verify', '-', '--jwks', JWKS_1, ...extra]
const token1 = readFileSync(TOKEN_1, 'utf8')
const token9 = readFileSync(TOKEN_9, 'utf8')

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('github-oidc verify --at --jwks (a real GitHub token, offline)', () => {
  it('accepts token-1 inside its lifetime: exit 0 and a table of the claims, with no network request', async () => {
    const network = vi.fn(async () => new Response('no', { status: 599 }))
    vi.stubGlobal('fetch', network)
    const { code, stdout, stderr } = await run(offline('--audience', 'https://example.com', '--at', INSIDE), {
      stdin: token1,
      fetch: network,
    })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      'valid as of 2025-03-29T12:00:00Z: signature, issuer, audience, times and identity claims checked',
      'policy: any repository (add --policy-claim to restrict)',
    ])
    expect(stdout).toMatch(/^ {2}repository +rgl\/github-actions-validate-jwt$/m)
    expect(stdout).toMatch(/^ {2}repository_owner_id +43356$/m)
    expect(stdout).toMatch(/^ {2}exp +1743267827 {2}2025-03-29T17:03:47Z \(in 5 h\)$/m)
    expect(stdout).not.toContain(token1.trim())
    expect(network).not.toHaveBeenCalled()
  })

  it('accepts epoch seconds for --at', async () => {
    const { code } = await run(offline('--audience', 'https://example.com', '--at', String(1743246227 + 1)), {
      stdin: token1,
    })
    expect(code).toBe(0)
  })

  it('rejects token-1 after its exp: exit 1 with "expired" in plain words', async () => {
    const { code, stdout, stderr } = await run(
      offline('--audience', 'https://example.com', '--at', '2025-03-29T18:00:00Z'),
      { stdin: token1 },
    )
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'rejected (ERR_TOKEN_EXPIRED): token expired 56 min before 2025-03-29T18:00:00Z (exp 2025-03-29T17:03:47Z)\n',
    )
  })

  it('says which audience the token has and which was expected', async () => {
    const { code, stderr } = await run(offline('--audience', 'https://api.example.com', '--at', INSIDE), {
      stdin: token1,
    })
    expect(code).toBe(1)
    expect(stderr).toBe(
      "rejected (ERR_TOKEN_AUDIENCE): audience is 'https://example.com', expected 'https://api.example.com'\n",
    )
  })

  it('says which issuer the token has when another is configured', async () => {
    const { code, stderr } = await run(
      offline(
        '--audience',
        'https://example.com',
        '--at',
        INSIDE,
        '--issuer',
        'https://ghes.example.com/_services/token',
      ),
      { stdin: token1 },
    )
    expect(code).toBe(1)
    expect(stderr).toContain(
      "issuer is 'https://token.actions.githubusercontent.com', expected 'https://ghes.example.com/_services/token'",
    )
  })

  it('applies --policy-claim: the same token is denied for another owner id and allowed for its own', async () => {
    const base = offline('--audience', 'https://example.com', '--at', INSIDE)
    const denied = await run([...base, '--policy-claim', 'repository_owner_id=1342004'], { stdin: token1 })
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(
      /^rejected \(ERR_POLICY_DENIED\): the token is valid, but the policy denies it: .*repository_owner_id/,
    )
    const allowed = await run(
      [...base, '--policy-claim', 'repository_owner_id=43356', '--policy-claim', 'ref=refs/heads/*'],
      { stdin: token1 },
    )
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toContain('policy: repository_owner_id=43356 and ref=refs/heads/*')
  })

  it('treats several values of one --policy-claim as alternatives', async () => {
    const { code } = await run(
      [
        ...offline('--audience', 'https://example.com', '--at', INSIDE),
        '--policy-claim',
        'repository_id=1',
        '--policy-claim',
        'repository_id=957014466',
      ],
      { stdin: token1 },
    )
    expect(code).toBe(0)
  })

  it("names the missing key when the saved key set lacks the token's kid, still without a request", async () => {
    const network = vi.fn(async () => new Response('no', { status: 599 }))
    vi.stubGlobal('fetch', network)
    const { code, stderr } = await run(
      offline('--audience', 'https://github.com/varunsh-coder', '--at', '1659662994'),
      { stdin: token9 },
    )
    expect(code).toBe(1)
    expect(stderr).toBe(
      `rejected (ERR_TOKEN_SIGNATURE): no key with kid '78167F727DEC5D801DD1C8784C704A1C880EC0E1' in the key set in ${JWKS_1}\n`,
    )
    expect(network).not.toHaveBeenCalled()
  })

  it('detects a changed byte: the signature does not verify', async () => {
    const [header, payload, signature] = token1.trim().split('.') as [string, string, string]
    const flipped = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
    const { code, stderr } = await run(offline('--audience', 'https://example.com', '--at', INSIDE), {
      stdin: flipped,
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^rejected \(ERR_TOKEN_(SIGNATURE|MALFORMED)\): /)
  })

  it('prints { valid: true, claims } with --json', async () => {
    const { code, stdout } = await run([...offline('--audience', 'https://example.com', '--at', INSIDE), '--json'], {
      stdin: token1,
    })
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['valid', 'claims'])
    expect(json.valid).toBe(true)
    expect(json.claims).toMatchObject({ aud: 'https://example.com', repository_id: '957014466', exp: 1743267827 })
  })

  it('prints { valid: false, error: { code, status, check, message, details } } with --json, on stdout', async () => {
    const { code, stdout, stderr } = await run(
      [...offline('--audience', 'https://example.com', '--at', '2025-03-29T18:00:00Z'), '--json'],
      { stdin: token1 },
    )
    expect(code).toBe(1)
    expect(stderr).toBe('')
    expect(JSON.parse(stdout)).toEqual({
      valid: false,
      error: {
        code: 'ERR_TOKEN_EXPIRED',
        status: 401,
        check: 'exp',
        message: 'token expired 56 min before 2025-03-29T18:00:00Z (exp 2025-03-29T17:03:47Z)',
        details: { claim: 'exp', actual: 1743267827, seconds: 3373 },
      },
    })
  })

  it('says whether the saved key set lacks the kid or holds it in an unusable form', async () => {
    const directory = mkdtempSync(`${tmpdir()}/cli-jwks-`)
    const kid = '38826b17-6a30-5f9b-b169-8beb8202f723'
    for (const [keys, problem] of [
      [[], `no key with kid '${kid}' in the key set in ${directory}/keys.json`],
      [
        [{ kty: 'EC', kid, crv: 'P-256', x: 'AA', y: 'AA' }],
        `the key with kid '${kid}' in ${directory}/keys.json is not a usable RS256 signing key (RSA, 2048 bits or more)`,
      ],
    ] as const) {
      writeFileSync(`${directory}/keys.json`, JSON.stringify({ keys }))
      const argv = [
        'verify',
        '-',
        '--jwks',
        `${directory}/keys.json`,
        '--audience',
        'https://example.com',
        '--at',
        INSIDE,
      ]
      const { code, stderr } = await run(argv, { stdin: token1 })
      expect(code).toBe(1)
      expect(stderr).toBe(`rejected (ERR_KEYS_UNAVAILABLE): ${problem}\n`)
    }
  })
})

describe('github-oidc verify: usage errors exit 2', () => {
  it.each([
    [['verify', 'a.b.c'], 'missing --audience'],
    [['verify', 'a.b.c', '--audience', ''], '--audience: must not be empty'],
    [['verify', 'a.b.c', '--audience', 'x', '--at', 'yesterday'], '--at: "yesterday" is neither an ISO date'],
    [['verify', 'a.b.c', '--audience', 'x', '--policy-claim', 'repository_owner_id'], 'must be name=value'],
    [
      ['verify', 'a.b.c', '--audience', 'x', '--policy-claim', 'repo_owner_id=1'],
      '--policy-claim repo_owner_id: unknown claim',
    ],
    [
      ['verify', 'a.b.c', '--audience', 'x', '--issuer', 'http://example.com'],
      '--issuer: "http://example.com" must be https:',
    ],
    [
      ['verify', 'a.b.c', '--audience', 'x', '--jwks', '/no/such/file.json'],
      '--jwks: cannot read /no/such/file.json: ENOENT',
    ],
    [['verify', 'a.b.c', '--audience', 'x', '--jwks', TOKEN_1], `--jwks: ${TOKEN_1} is not JSON`],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr).toContain("Run 'github-oidc verify --help' for usage.")
  })

  it('exits 2 for a key set file that is JSON but not a JWKS', async () => {
    const { code, stderr } = await run([
      'verify',
      'a.b.c',
      '--audience',
      'x',
      '--jwks',
      fileURLToPath(new URL('../../package.json', import.meta.url)),
    ])
    expect(code).toBe(2)
    expect(stderr).toContain('is not a JWKS document')
  })
})

describe('github-oidc verify against a live issuer (the testing kit)', () => {
  let issuer: MockIssuer
  beforeAll(async () => {
    issuer = await createMockIssuer()
  })
  afterAll(() => issuer.close())

  it("fetches the issuer's keys through io.fetch and accepts its token", async () => {
    const token = issuer.mint({}, { audience: 'api' })
    const fetchSpy = vi.fn((...args: Parameters<typeof fetch>) => fetch(...args))
    const { code, stdout } = await run(['verify', token, '--audience', 'api', '--issuer', issuer.issuer], {
      fetch: fetchSpy,
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^valid: /)
    expect(fetchSpy).toHaveBeenCalled()
  })

  it('says how long ago a token expired, relative to now', async () => {
    const token = issuer.mint({}, { audience: 'api', issuedAt: Math.floor(Date.now() / 1000) - 480, expiresIn: 300 })
    const { code, stderr } = await run(['verify', token, '--audience', 'api', '--issuer', issuer.issuer])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^rejected \(ERR_TOKEN_EXPIRED\): token expired 3 min ago \(exp \S+Z\)\n$/)
  })

  it('says the keys could not be fetched, distinct from a bad token, when the issuer is down', async () => {
    issuer.fail('500')
    try {
      const token = issuer.mint({}, { audience: 'api' })
      const { code, stderr } = await run(['verify', token, '--audience', 'api', '--issuer', issuer.issuer])
      expect(code).toBe(1)
      expect(stderr).toMatch(/^rejected \(ERR_KEYS_UNAVAILABLE\): the issuer's signing keys could not be fetched: /)
    } finally {
      issuer.fail('none')
    }
  })
})
