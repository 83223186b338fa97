import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import {
  AUDIENCE,
  assertBuilt,
  fixture,
  mintTokens,
  OWNER_ID,
  parseReport,
  RUNTIMES,
  runChild,
  SIGNATURE_CHALLENGE,
} from './helpers.js'

/** What fixtures/verify.mjs prints. */
interface Report {
  readonly cryptoPort: string
  readonly webCryptoCallsByPackage: { readonly importKey: number; readonly verify: number }
  readonly webCryptoCallsByWebPort: number
  readonly verdicts: Record<string, { ok: true; claims: Record<string, unknown> } | { ok: false; code: string }>
  readonly answers: Record<string, { status: number; wwwAuthenticate: string | null; body: Record<string, unknown> }>
}

/**
 * Each runtime imports the built package by name from the repository root (package self-reference
 * through `exports`). Deno needs no import map: with a package.json in scope it resolves bare
 * specifiers and `#` imports by Node's rules, with the conditions `deno`, `node`, `import`, `default`;
 * Bun uses `bun`, `node`, `import`, `default`. All three must therefore get the node:crypto port.
 */
const runtimes: [name: string, command: string, args: string[]][] = [
  ['Node.js 22', RUNTIMES.node22, []],
  ['Bun', RUNTIMES.bun, ['--no-install']],
  ['Deno', RUNTIMES.deno, ['run', '--no-lock', '--allow-env', '--allow-net=127.0.0.1', '--allow-read=.']],
]

let issuer: MockIssuer

beforeAll(async () => {
  assertBuilt()
  issuer = await createMockIssuer()
})

afterAll(async () => {
  await issuer?.close()
})

describe.each(runtimes)('the built package on %s', (_name, command, args) => {
  let report: Report
  let fetched: { discovery: number; jwks: number }

  beforeAll(async () => {
    issuer.resetCounts()
    const tokens = mintTokens(issuer)
    const env = {
      RUNTIME_ISSUER: issuer.issuer,
      RUNTIME_AUDIENCE: AUDIENCE,
      RUNTIME_OWNER_ID: OWNER_ID,
      RUNTIME_TOKENS: JSON.stringify(tokens),
      RUNTIME_JWK: JSON.stringify(issuer.currentJwk),
    }
    report = parseReport<Report>(await runChild(command, [...args, fixture('verify.mjs')], env, 15_000))
    fetched = { ...issuer.requests }
  }, 20_000)

  it('accepts a valid token minted by the testing kit and returns its claims', () => {
    expect(report.verdicts.valid).toMatchObject({
      ok: true,
      claims: { iss: issuer.issuer, aud: AUDIENCE, repository: 'octo-org/octo-repo', repository_owner_id: OWNER_ID },
    })
  })

  it('rejects a token whose payload was changed under the original signature', () => {
    expect(report.verdicts.tampered).toEqual({ ok: false, name: 'TokenInvalidError', code: 'ERR_TOKEN_SIGNATURE' })
  })

  it('fetches discovery and the key set from the local issuer', () => {
    expect(fetched.discovery).toBeGreaterThanOrEqual(1)
    expect(fetched.jwks).toBeGreaterThanOrEqual(1)
  })

  it('answers through github-oidc/web with 200, and 401 with the exact challenge for the tampered token', () => {
    expect(report.answers.valid).toEqual({
      status: 200,
      wwwAuthenticate: null,
      body: { sub: 'repo:octo-org/octo-repo:ref:refs/heads/main' },
    })
    expect(report.answers.tampered).toEqual({
      status: 401,
      wwwAuthenticate: SIGNATURE_CHALLENGE,
      body: { error: 'invalid_token', error_description: 'token signature is invalid' },
    })
  })

  it('resolves #crypto to the node:crypto port through the node condition, and never calls WebCrypto', () => {
    expect(report.cryptoPort).toMatch(/\/dist\/lib\/crypto-node\.js$/)
    expect(report.webCryptoCallsByPackage).toEqual({ importKey: 0, verify: 0 })
    // The counter works in this runtime: the web port, imported by path, is seen calling WebCrypto.
    expect(report.webCryptoCallsByWebPort).toBe(1)
  })
})
