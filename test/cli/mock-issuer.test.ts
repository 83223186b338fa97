import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.js'
import { payloadOf, run, start } from './helpers.js'

describe('github-oidc mock-issuer', () => {
  it('prints export lines that make `token` work, runs until aborted, then closes the port', async () => {
    const mock = await start(['mock-issuer'], /^export ACTIONS_ID_TOKEN_REQUEST_TOKEN='([\w-]+)'$/m)
    const out = mock.stdout()
    const issuer = /^# github-oidc mock issuer: (http:\/\/127\.0\.0\.1:\d+) /m.exec(out)?.[1]
    expect(issuer).toBeDefined()
    const env: Record<string, string> = {}
    for (const [, name, value] of out.matchAll(/^export (\w+)='([^']*)'$/gm)) env[name!] = value!
    expect(env).toEqual({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer}/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: mock.match[1],
    })
    expect(out).toContain(`--issuer ${issuer}`)

    const token = await run(['token', '--audience', 'api'], { env })
    expect(token.code).toBe(0)
    const verifier = createVerifier({ audience: 'api', policy: { repository_id: '704381219' }, issuer: issuer! })
    await expect(verifier.verify(token.stdout.trim())).resolves.toMatchObject({ event_name: 'push' })

    const result = await mock.stop()
    expect(result.code).toBe(0)
    await expect(fetch(`${issuer}/.well-known/jwks`)).rejects.toThrow()
  })

  it('hands out tokens of --preset with --claim overrides, and prints { issuer, env } with --json', async () => {
    const mock = await start(
      ['mock-issuer', '--json', '--preset', 'environment', '--claim', 'repository_owner_id=42', '--claim', 'x=a=b'],
      /^\{.*\}\n/,
    )
    try {
      const json = JSON.parse(mock.stdout())
      expect(Object.keys(json)).toEqual(['issuer', 'env'])
      expect(Object.keys(json.env)).toEqual(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
      const token = await run(['token', '--audience', 'api'], { env: json.env })
      expect(payloadOf(token.stdout.trim())).toMatchObject({
        iss: json.issuer,
        environment: 'production',
        repository_owner_id: '42',
        x: 'a=b',
      })
    } finally {
      expect((await mock.stop()).code).toBe(0)
    }
  })

  it.each([
    [['mock-issuer', '--preset', 'nightly'], "--preset: 'nightly' is not one of push, pull_request"],
    [['mock-issuer', '--claim', 'novalue'], '--claim: "novalue" must be name=value'],
    [['mock-issuer', '--port=-1'], '--port: "-1" is not a port'],
    [['mock-issuer', '--port', '-1'], "Option '--port' argument is ambiguous"],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, stderr } = await run(argv)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })
})
