import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { payloadOf, run } from './helpers.js'

let issuer: MockIssuer
beforeAll(async () => {
  issuer = await createMockIssuer()
})
afterAll(() => issuer.close())

describe('github-oidc token', () => {
  it('prints only the token, one line, requested from the runner env for --audience', async () => {
    const { code, stdout, stderr } = await run(['token', '--audience', 'https://api.example.com'], { env: issuer.env })
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const verifier = createVerifier({ audience: 'https://api.example.com', policy: 'any', issuer: issuer.issuer })
    await expect(verifier.verify(stdout.trim())).resolves.toMatchObject({ repository: 'octo-org/octo-repo' })
  })

  it('defaults the audience to https://github.com/$GITHUB_REPOSITORY_OWNER, as GitHub does', async () => {
    const { code, stdout } = await run(['token'], { env: { ...issuer.env, GITHUB_REPOSITORY_OWNER: 'octo-org' } })
    expect(code).toBe(0)
    expect(payloadOf(stdout.trim()).aud).toBe('https://github.com/octo-org')
  })

  it('masks the token on stderr in GitHub Actions, keeping stdout the token alone for $(…)', async () => {
    const { code, stdout, stderr } = await run(['token', '--audience', 'masked'], {
      env: { ...issuer.env, GITHUB_ACTIONS: 'true' },
    })
    expect(code).toBe(0)
    expect(stderr).toBe(`::add-mask::${stdout.trim()}\n`)
  })

  it('prints { token } with --json', async () => {
    const { code, stdout } = await run(['token', '--audience', 'api', '--json'], { env: issuer.env })
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['token'])
    expect(payloadOf(json.token).aud).toBe('api')
  })

  it('hands out GITHUB_OIDC_TOKEN when set (other CIs, tests)', async () => {
    const token = issuer.mint({}, { audience: 'api' })
    const { code, stdout } = await run(['token', '--audience', 'api'], { env: { GITHUB_OIDC_TOKEN: token } })
    expect(code).toBe(0)
    expect(stdout).toBe(`${token}\n`)
  })

  it('exits 1 saying to add id-token: write when the runner env is missing', async () => {
    const { code, stdout, stderr } = await run(['token', '--audience', 'api'], { env: { GITHUB_ACTIONS: 'true' } })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^github-oidc token: This GitHub Actions job has no ACTIONS_ID_TOKEN_REQUEST_URL/)
    expect(stderr).toContain('`permissions: id-token: write`')
  })

  it('exits 1 with the status when the token endpoint refuses', async () => {
    const { code, stderr } = await run(['token', '--audience', 'api'], {
      env: { ...issuer.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' },
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(/the token endpoint answered 401/)
  })

  it('exits 2 without --audience outside GitHub Actions', async () => {
    const { code, stderr } = await run(['token'], { env: issuer.env })
    expect(code).toBe(2)
    expect(stderr).toContain('missing --audience')
  })
})

describe('github-oidc header', () => {
  it('prints "Authorization: Bearer <token>"', async () => {
    const { code, stdout } = await run(['header', '--audience', 'api'], { env: issuer.env })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+\n$/)
  })

  it('prints the object getActionsHeader returns with --json', async () => {
    const { code, stdout } = await run(['header', '--audience', 'api', '--json'], { env: issuer.env })
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['Authorization'])
    expect(json.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('pipes into decode: the pasted header line is accepted', async () => {
    const { stdout } = await run(['header', '--audience', 'pipe'], { env: issuer.env })
    const decoded = await run(['decode', '-', '--json'], { stdin: stdout })
    expect(decoded.code).toBe(0)
    expect(JSON.parse(decoded.stdout).claims.aud).toBe('pipe')
  })
})
