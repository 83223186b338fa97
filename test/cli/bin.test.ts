import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The built bin, as npm links it: `npm test` builds before vitest runs.
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/github-real/', import.meta.url))

interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

function collect(child: ChildProcess): Promise<Exit> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

function bin(args: readonly string[], stdin?: string): Promise<Exit> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`)
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe', timeout: 15_000 })
  child.stdin.end(stdin ?? '')
  return collect(child)
}

describe('the built github-oidc bin (smoke)', () => {
  it('exists where package.json "bin" points, with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(pkg.bin).toEqual({ 'github-oidc': './dist/cli/main.js' })
    expect(existsSync(BIN), `${BIN} is missing: run \`npm run build\` first`).toBe(true)
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('prints the help and exits 0', async () => {
    const result = await bin(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^github-oidc: get, inspect and verify GitHub Actions OIDC tokens\n/)
  })

  it('decodes a token from stdin, labelled unverified', async () => {
    const token = readFileSync(`${FIXTURES}token-1.jwt`, 'utf8')
    const result = await bin(['decode', '-'], token)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^UNVERIFIED: /)
    expect(result.stdout).toMatch(/^ {2}repository_id +957014466$/m)
  })

  it('sets exit code 1 for a rejected token and 2 for a usage error', async () => {
    const token = readFileSync(`${FIXTURES}token-1.jwt`, 'utf8')
    const args = ['verify', '-', '--audience', 'https://example.com', '--jwks', `${FIXTURES}jwks-1.json`]
    const ok = await bin([...args, '--at', '2025-03-29T12:00:00Z'], token)
    expect(ok.code).toBe(0)
    const expired = await bin([...args, '--at', '2025-03-30T00:00:00Z'], token)
    expect(expired.code).toBe(1)
    expect(expired.stderr).toContain('token expired 7 h before 2025-03-30T00:00:00Z')
    expect((await bin(['verify', '--bogus'])).code).toBe(2)
  })

  it('runs mock-issuer until SIGTERM, then exits 0', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`)
    const child = spawn(process.execPath, [BIN, 'mock-issuer', '--json'], { stdio: 'pipe', timeout: 15_000 })
    const exit = collect(child)
    const line = await new Promise<string>((resolve) => {
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
        if (text.includes('\n')) resolve(text)
      })
    })
    const { issuer } = JSON.parse(line)
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200)
    child.kill('SIGTERM')
    const result = await exit
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' })
  })
})
