import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

/**
 * `github-oidc/next` inside a real Next.js server: an app in a temporary folder (outside the repo,
 * so no `.next` lands in the tree) is built with `next build` and served by `next start` on
 * 127.0.0.1. Its route handler uses `withGitHubOidc`, and its `proxy.js` (Next 16's name for
 * middleware) gates another route with `githubOidcMiddleware`. The package is the build in `dist/`,
 * reached through a `github-oidc` link to this repository.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const AUDIENCE = 'https://next.example.com'
const NEXT_BIN = join(REPO, 'node_modules/next/dist/bin/next')

const ROUTE = `import { withGitHubOidc } from 'github-oidc/next'

export const dynamic = 'force-dynamic'

export const GET = withGitHubOidc(
  { audience: '${AUDIENCE}', issuer: process.env.GITHUB_OIDC_TEST_ISSUER, policy: { repository_owner: 'octo-org' } },
  (_request, claims) => Response.json({ repository: claims.repository }),
)
`
const GATED = `export const dynamic = 'force-dynamic'
export const GET = () => Response.json({ gated: 'open' })
`
const PROXY = `import { githubOidcMiddleware } from 'github-oidc/next'

export const proxy = githubOidcMiddleware({
  audience: '${AUDIENCE}',
  issuer: process.env.GITHUB_OIDC_TEST_ISSUER,
  policy: 'any',
})

export const config = { matcher: '/api/gated' }
`

let kit: MockIssuer
let app: string
let server: ChildProcess | undefined
let base: string

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

async function waitUntilServing(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await fetch(url)
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`next start did not answer at ${url}`, { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/adapters/next.js'))) {
    throw new Error('dist/adapters/next.js is missing: run `npm run build` before this test')
  }
  kit = await createMockIssuer()
  app = mkdtempSync(join(tmpdir(), 'github-oidc-next-'))
  mkdirSync(join(app, 'app/api/claims'), { recursive: true })
  mkdirSync(join(app, 'app/api/gated'), { recursive: true })
  mkdirSync(join(app, 'node_modules'))
  for (const name of ['next', 'react', 'react-dom'])
    symlinkSync(join(REPO, 'node_modules', name), join(app, 'node_modules', name))
  symlinkSync(REPO, join(app, 'node_modules/github-oidc'))
  writeFileSync(join(app, 'package.json'), '{ "name": "github-oidc-next-test", "private": true }\n')
  writeFileSync(join(app, 'next.config.mjs'), 'export default {}\n')
  writeFileSync(join(app, 'app/layout.js'), 'export default function Layout({ children }) { return children }\n')
  writeFileSync(join(app, 'app/api/claims/route.js'), ROUTE)
  writeFileSync(join(app, 'app/api/gated/route.js'), GATED)
  writeFileSync(join(app, 'proxy.js'), PROXY)
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', GITHUB_OIDC_TEST_ISSUER: kit.issuer }
  // webpack follows the node_modules links to their real paths; Turbopack refuses files outside the app.
  const build = spawnSync(process.execPath, [NEXT_BIN, 'build', '--webpack'], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    env,
    stdio: 'ignore',
    detached: true,
  })
  await waitUntilServing(`${base}/api/gated`, Date.now() + 30_000)
}, 240_000)

afterAll(async () => {
  if (server?.pid !== undefined) {
    try {
      process.kill(-server.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await kit?.close()
  if (app !== undefined) rmSync(app, { recursive: true, force: true })
})

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('github-oidc/next in a running Next.js server', () => {
  it('hands a route handler the claims of a valid token', async () => {
    const response = await fetch(`${base}/api/claims`, { headers: bearer(kit.mint({}, { audience: AUDIENCE })) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ repository: 'octo-org/octo-repo' })
  })

  it('answers no token with 401 and a bare challenge', async () => {
    const response = await fetch(`${base}/api/claims`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc"')
  })

  it('answers an expired token and another audience with 401 invalid_token, and two tokens with 400', async () => {
    const expired = kit.mint({}, { audience: AUDIENCE, expiresIn: -120 })
    const foreign = kit.mint({}, { audience: 'https://other.example' })
    for (const token of [expired, foreign]) {
      const response = await fetch(`${base}/api/claims`, { headers: bearer(token) })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="github-oidc", error="invalid_token"/)
      expect(await response.text()).not.toContain(token.split('.')[2])
    }
    const two = await fetch(`${base}/api/claims`, { headers: { authorization: `Bearer ${foreign} ${foreign}` } })
    expect(two.status).toBe(400)
    expect(two.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc", error="invalid_request"')
  })

  it('answers a caller the policy refuses with 403, revealing nothing of the policy', async () => {
    const stranger = kit.mint({ repository: 'evil-org/app' }, { audience: AUDIENCE })
    const response = await fetch(`${base}/api/claims`, { headers: bearer(stranger) })
    expect(response.status).toBe(403)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc", error="insufficient_scope"')
    expect(await response.text()).not.toContain('octo-org')
  })

  it('gates a route in proxy.js: refused without a token, passed on with one', async () => {
    const refused = await fetch(`${base}/api/gated`)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc"')
    const passed = await fetch(`${base}/api/gated`, { headers: bearer(kit.mint({}, { audience: AUDIENCE })) })
    expect(passed.status).toBe(200)
    expect(await passed.json()).toEqual({ gated: 'open' })
  })
})
