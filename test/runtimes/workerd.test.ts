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

interface Answer {
  readonly status: number
  readonly wwwAuthenticate: string | null
  readonly body: Record<string, unknown>
}

/** What fixtures/workerd.mjs prints. */
interface Bundle {
  /** The package's files in the bundle, relative to the repository root. */
  readonly modules: readonly string[]
  /** Node.js built-ins the bundle imports (as Vite's browser stubs). */
  readonly builtins: readonly string[]
}

interface Report {
  readonly bundles: { readonly worker: Bundle; readonly browser: Bundle; readonly node: Bundle }
  readonly webCrypto: { readonly importKey: number; readonly verify: number }
  readonly answers: Record<string, Answer>
}

/**
 * Cloudflare Workers and browsers: the package is bundled by Vite with the Workers conditions (and,
 * without running it, with a browser's), then run in workerd by Miniflare, all in a Node.js 22 child
 * (Miniflare needs Node ≥ 22). Miniflare lets the Worker fetch http://127.0.0.1, so the keys come
 * from the local issuer as they would from GitHub; no persisted JWKS cache is needed.
 */
describe('the package bundled for Cloudflare Workers, in workerd', () => {
  let issuer: MockIssuer
  let report: Report

  beforeAll(async () => {
    assertBuilt()
    issuer = await createMockIssuer()
    const env = {
      RUNTIME_ISSUER: issuer.issuer,
      RUNTIME_AUDIENCE: AUDIENCE,
      RUNTIME_OWNER_ID: OWNER_ID,
      RUNTIME_TOKENS: JSON.stringify(mintTokens(issuer)),
      RUNTIME_DEADLINE_MS: '30000',
    }
    report = parseReport<Report>(await runChild(RUNTIMES.node22, [fixture('workerd.mjs')], env, 40_000))
  }, 45_000)

  afterAll(async () => {
    await issuer?.close()
  })

  it.each(['worker', 'browser'] as const)(
    'bundles the WebCrypto port for #crypto and no Node.js built-in under the %s conditions',
    (name) => {
      const bundle = report.bundles[name]
      expect(bundle.modules).toContain('dist/lib/crypto-web.js')
      expect(bundle.modules).toContain('dist/adapters/web.js')
      expect(bundle.modules).not.toContain('dist/lib/crypto-node.js')
      expect(bundle.builtins).toEqual([])
    },
  )

  it('bundles the node:crypto port instead when only the node condition changes (control)', () => {
    expect(report.bundles.node.modules).toContain('dist/lib/crypto-node.js')
    expect(report.bundles.node.modules).not.toContain('dist/lib/crypto-web.js')
    expect(report.bundles.node.builtins).toEqual(['__vite-browser-external'])
  })

  it('verifies signatures with WebCrypto inside the Worker', () => {
    // Two verifiers (core and adapter), each importing the key once and checking both tokens.
    expect(report.webCrypto.importKey).toBeGreaterThanOrEqual(1)
    expect(report.webCrypto.verify).toBeGreaterThanOrEqual(2)
  })

  it('accepts a valid token with createVerifier and returns its claims', () => {
    expect(report.answers['/core valid']?.body).toMatchObject({
      ok: true,
      claims: { iss: issuer.issuer, aud: AUDIENCE, repository: 'octo-org/octo-repo', repository_owner_id: OWNER_ID },
    })
  })

  it('rejects a tampered token with createVerifier as ERR_TOKEN_SIGNATURE', () => {
    expect(report.answers['/core tampered']?.body).toEqual({
      ok: false,
      name: 'TokenInvalidError',
      code: 'ERR_TOKEN_SIGNATURE',
    })
  })

  it('answers 200 with the claims through withGitHubOidc from github-oidc/web', () => {
    const answer = report.answers['/adapter valid']
    expect(answer?.status).toBe(200)
    expect(answer?.wwwAuthenticate).toBeNull()
    const claims = report.answers['/core valid']?.body.claims
    expect(claims).toMatchObject({ aud: AUDIENCE, repository_owner_id: OWNER_ID })
    expect(answer?.body).toEqual(claims)
  })

  it('answers 401 with the exact WWW-Authenticate through withGitHubOidc for a tampered token', () => {
    expect(report.answers['/adapter tampered']).toEqual({
      status: 401,
      wwwAuthenticate: SIGNATURE_CHALLENGE,
      body: { error: 'invalid_token', error_description: 'token signature is invalid' },
    })
  })

  it('fetched discovery and the key set from the local issuer', () => {
    expect(issuer.requests.discovery).toBeGreaterThanOrEqual(1)
    expect(issuer.requests.jwks).toBeGreaterThanOrEqual(1)
  })
})
