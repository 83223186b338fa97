import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// The demo imports the built package by its own name; `npm test` builds before vitest runs.
const BUILT = `${ROOT}dist/index.js`

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`)
  const child = spawn(process.execPath, ['scripts/demo.js'], { cwd: ROOT, stdio: 'pipe', timeout: 15_000 })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('npm run demo (scripts/demo.js)', () => {
  it('shows 200 with the verified claims, 403 for another organization and 401 for an expired token, then exits 0', async () => {
    const { code, stdout, stderr } = await runDemo()
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const steps = stdout.split('\n').filter((line) => /^\d\. /.test(line))
    expect(steps).toEqual([
      '1. Local OIDC issuer (github-oidc/testing)',
      '2. Protected server (github-oidc/node)',
      '3. A job of octo-org/octo-repo gets a token (github-oidc/client) and calls the server',
      '4. A job of another organization (valid token, owner id 99999999) calls the server',
      '5. A job sends a token that expired 5 minutes ago',
    ])
    const answers = stdout.match(/^ {3}-> .*$/gm)
    expect(answers).toEqual(['   -> 200 OK', '   -> 403 Forbidden', '   -> 401 Unauthorized'])
    expect(stdout).toMatch(/^ {5}repository_owner_id +84293715$/m)
    expect(stdout).toMatch(/^ {5}repository +octo-org\/octo-repo$/m)
    expect(stdout).toContain('      WWW-Authenticate: Bearer realm="github-oidc", error="insufficient_scope"\n')
    expect(stdout).toContain(
      '      WWW-Authenticate: Bearer realm="github-oidc", error="invalid_token", error_description="token expired 5 min ago"\n',
    )
    expect(stdout).toMatch(
      /\nDone: 200 for the allowed job, 403 for the other organization, 401 for the expired token\.\n$/,
    )
    // The demo prints claims and challenges, never a token.
    expect(stdout).not.toMatch(/eyJ[\w-]*\.[\w-]+\./)
  })
})
