import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { run } from './helpers.js'

const COMMANDS = ['token', 'header', 'decode', 'verify', 'serve', 'call', 'mock-issuer']

describe('github-oidc (top level)', () => {
  it('prints the help listing every command with --help, and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(/^github-oidc: /)
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'))
    expect(stdout).toContain('Exit codes: 0 ok, 1 rejected or failed, 2 usage error.')
  })

  it('exits 2 with a pointer to --help when no command is given', async () => {
    const { code, stdout, stderr } = await run([])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe("github-oidc: missing command\nRun 'github-oidc --help' for usage.\n")
  })

  it('exits 2 on an unknown command', async () => {
    const { code, stderr } = await run(['frobnicate'])
    expect(code).toBe(2)
    expect(stderr).toContain("unknown command 'frobnicate'")
  })

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('answers "help <command>" with that command\'s help, and exits 2 for an unknown one', async () => {
    expect((await run(['help', 'verify'])).stdout).toMatch(/^Usage: github-oidc verify /)
    expect((await run(['help'])).stdout).toMatch(/^github-oidc: /)
    expect((await run(['help', 'nope'])).code).toBe(2)
  })

  it.each(COMMANDS)(
    'prints the help of %s with --help and -h, exit 0, even without its required arguments',
    async (name) => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout, stderr } = await run([name, flag])
        expect(code).toBe(0)
        expect(stderr).toBe('')
        expect(stdout).toMatch(new RegExp(`^Usage: github-oidc ${name}( |$)`, 'm'))
        expect(stdout).toMatch(/\nOptions:\n/)
      }
    },
  )

  it.each(COMMANDS)('exits 2 naming an unknown flag of %s', async (name) => {
    const { code, stdout, stderr } = await run([name, '--no-such-flag'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain("'--no-such-flag'")
    expect(stderr).toContain(`Run 'github-oidc ${name} --help' for usage.`)
  })

  it('exits 2 for a missing or an extra positional argument', async () => {
    const missing = await run(['decode'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('github-oidc decode: missing <token|->')
    const extra = await run(['decode', 'a.b.c', 'more'])
    expect(extra.code).toBe(2)
    expect(extra.stderr).toContain("unexpected argument 'more'")
    expect((await run(['token', 'extra'])).code).toBe(2)
  })

  it('exits 2 when a string option is given without its value', async () => {
    const { code, stderr } = await run(['verify', 'a.b.c', '--audience'])
    expect(code).toBe(2)
    expect(stderr).toContain('--audience')
  })
})
