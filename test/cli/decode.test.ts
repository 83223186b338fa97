import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { run } from './helpers.js'

let issuer: MockIssuer
let token: string
beforeAll(async () => {
  issuer = await createMockIssuer()
  token = issuer.mint({}, { audience: 'api' })
})
afterAll(() => issuer.close())

describe('github-oidc decode', () => {
  it('prints header and claims labelled UNVERIFIED, never the token, and exits 0', async () => {
    const { code, stdout, stderr } = await run(['decode', token])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout.split('\n')[0]).toMatch(/^UNVERIFIED: .*NOT checked/)
    expect(stdout).toContain('header (unverified)')
    expect(stdout).toContain('claims (unverified)')
    expect(stdout).toMatch(/^ {2}alg +RS256$/m)
    expect(stdout).toMatch(/^ {2}repository +octo-org\/octo-repo$/m)
    expect(stdout).toMatch(/^ {2}exp +\d+ {2}\d{4}-\d\d-\d\dT[\d:]+Z \(in \d+ min\)$/m)
    expect(stdout).not.toContain(token)
    expect(stdout).not.toContain(token.split('.')[2])
  })

  it('reads the token from stdin with -, also as a pasted Authorization header line', async () => {
    for (const stdin of [`${token}\n`, `Authorization: Bearer ${token}\n`]) {
      const { code, stdout } = await run(['decode', '-'], { stdin })
      expect(code).toBe(0)
      expect(stdout).toMatch(/^ {2}aud +api$/m)
    }
  })

  it('prints { verified: false, header, claims } with --json', async () => {
    const { code, stdout } = await run(['decode', token, '--json'])
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['verified', 'header', 'claims'])
    expect(json.verified).toBe(false)
    expect(json.header).toMatchObject({ alg: 'RS256', kid: issuer.currentKid, typ: 'JWT' })
    expect(json.claims).toMatchObject({ aud: 'api', iss: issuer.issuer, repository_id: '704381219' })
  })

  it.each([
    ['not-a-token', 'not a JWT: expected 3 dot-separated segments, got 1'],
    ['a.b', 'not a JWT: expected 3 dot-separated segments, got 2'],
    ['e30.***.x', 'not a JWT: the payload is not base64url'],
    [`${Buffer.from('{').toString('base64url')}.e30.x`, 'not a JWT: the header is not JSON'],
    [`W10.e30.x`, 'not a JWT: the header is not a JSON object'],
  ])('exits 1 with the reason for %s', async (input, reason) => {
    const { code, stdout, stderr } = await run(['decode', input])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`github-oidc decode: ${reason}\n`)
    const json = await run(['decode', input, '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual({ verified: false, error: reason })
  })

  it('escapes control characters in claims, so a crafted token cannot drive the terminal', async () => {
    const crafted = issuer.mint({ workflow: 'CI\u001b[2J\u0007\nfake: line' }, { audience: 'api' })
    const { stdout } = await run(['decode', crafted])
    expect([...stdout].filter((char) => char < ' ' && char !== '\n')).toEqual([])
    expect(stdout).toContain('CI\\u001b[2J\\u0007\\u000afake: line')
  })

  it('exits 2 for - without stdin, and for empty input', async () => {
    expect((await run(['decode', '-'])).code).toBe(2)
    const empty = await run(['decode', '-'], { stdin: '  \n' })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('no token on stdin')
    expect((await run(['decode', '-'], { stdin: 'x'.repeat(70_000) })).stderr).toContain('not a token')
  })
})
