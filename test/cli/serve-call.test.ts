import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { run, start } from './helpers.js'

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
let issuer: MockIssuer
let server: Awaited<ReturnType<typeof start>>
let url: string

beforeAll(async () => {
  issuer = await createMockIssuer()
  server = await start(
    [
      'serve',
      '--audience',
      'api',
      '--port',
      '0',
      '--issuer',
      issuer.issuer,
      '--policy-claim',
      'repository_owner_id=84293715',
    ],
    LISTENING,
  )
  url = `${server.match[1]}/whoami`
})
afterAll(async () => {
  await server?.stop()
  await issuer.close()
})
afterEach(() => {
  issuer.setTokenClaims()
})

describe('github-oidc serve + call, against each other on 127.0.0.1', () => {
  it('announces where it listens, the audience, issuer and policy', () => {
    expect(server.stdout()).toContain(
      [`  audience: api`, `  issuer:   ${issuer.issuer}`, `  policy:   repository_owner_id=84293715`].join('\n'),
    )
  })

  it('answers an allowed caller with its verified claims: call prints 200 and the body, exit 0', async () => {
    const { code, stdout, stderr } = await run(['call', url, '--audience', 'api'], { env: issuer.env })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^HTTP 200 OK\ncontent-type: application\/json; charset=utf-8\n\n\{\n/)
    expect(stdout).toContain('"repository_owner_id": "84293715"')
    expect(stdout).toContain('"aud": "api"')
    expect(server.stdout()).toContain('GET /whoami -> 200 repo:octo-org/octo-repo:ref:refs/heads/main\n')
  })

  it('refuses a repository the policy does not allow with 403: call exits 1 and shows the challenge', async () => {
    issuer.setTokenClaims({ repository_owner_id: '1' })
    const { code, stdout } = await run(['call', url, '--audience', 'api'], { env: issuer.env })
    expect(code).toBe(1)
    expect(stdout).toContain('HTTP 403 Forbidden\n')
    expect(stdout).toContain('www-authenticate: Bearer realm="github-oidc", error="insufficient_scope"\n')
    expect(stdout).toContain('"error": "insufficient_scope"')
    expect(stdout).not.toContain('repository_owner_id')
    expect(server.stdout()).toMatch(
      /GET \/whoami -> 403 ERR_POLICY_DENIED: the token is valid, but the policy denies it: .*repository_owner_id/,
    )
  })

  it('refuses a token for another audience with 401 and says why in the log', async () => {
    const { code, stdout } = await run(['call', url, '--audience', 'other'], { env: issuer.env })
    expect(code).toBe(1)
    expect(stdout).toContain('HTTP 401 Unauthorized\n')
    expect(stdout).toMatch(
      /www-authenticate: Bearer realm="github-oidc", error="invalid_token", error_description="audience mismatch/,
    )
    expect(server.stdout()).toContain("GET /whoami -> 401 ERR_TOKEN_AUDIENCE: audience is 'other', expected 'api'\n")
  })

  it('prints { status, headers, body } with --json', async () => {
    const { code, stdout } = await run(['call', url, '--audience', 'api', '--json', '--method', 'post'], {
      env: issuer.env,
    })
    expect(code).toBe(0)
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['status', 'headers', 'body'])
    expect(json.status).toBe(200)
    expect(json.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' })
    expect(json.body).toMatchObject({ aud: 'api', repository: 'octo-org/octo-repo' })
    expect(server.stdout()).toContain('POST /whoami -> 200 ')
  })

  it('answers a request without a token with 401 and a bare challenge', async () => {
    const response = await fetch(url)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="github-oidc"')
    expect(server.stdout()).toContain(
      'GET /whoami -> 401 ERR_TOKEN_MISSING: no bearer token in the Authorization header\n',
    )
  })
})

describe('github-oidc call', () => {
  it('never prints a token, even when the server echoes it back', async () => {
    const echo = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'www-authenticate': req.headers.authorization ?? '' })
      res.end(`you sent ${req.headers.authorization}\n`)
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    try {
      const target = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`
      const { code, stdout } = await run(['call', target, '--audience', 'api'], { env: issuer.env })
      expect(code).toBe(0)
      expect(stdout).toContain('you sent Bearer [token redacted]')
      expect(stdout).toContain('www-authenticate: Bearer [token redacted]')
      expect(stdout).not.toMatch(/eyJ/)
    } finally {
      echo.closeAllConnections()
      await new Promise((resolve) => echo.close(resolve))
    }
  })

  it("exits 1 with the client's reason when there is no token to send", async () => {
    const { code, stderr } = await run(['call', url, '--audience', 'api'], { env: {} })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^github-oidc call: Not running in GitHub Actions: no ACTIONS_ID_TOKEN_REQUEST_URL/)
  })

  it.each([
    [['call', 'not a url', '--audience', 'api'], "'not a url' is not an http(s) URL"],
    [['call', 'file:///etc/passwd', '--audience', 'api'], 'is not an http(s) URL'],
    [['call', 'http://127.0.0.1/'], 'missing --audience'],
    [['call', 'http://127.0.0.1/', '--audience', 'a', '--audience', 'b'], 'a token has one audience'],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, stderr } = await run(argv, { env: issuer.env })
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })
})

describe('github-oidc serve', () => {
  it('logs one JSON object per line with --json, and exits 0 once stopped', async () => {
    const json = await start(
      ['serve', '--audience', 'api', '--port', '0', '--issuer', issuer.issuer, '--json'],
      /"url":"(http:[^"]+)"/,
    )
    const target = json.match[1]!
    await run(['call', target, '--audience', 'api'], { env: issuer.env })
    await fetch(target)
    const result = await json.stop()
    expect(result.code).toBe(0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([
      { event: 'listening', url: target, audience: ['api'], policy: 'any repository (add --policy-claim to restrict)' },
      { event: 'request', method: 'GET', url: '/', status: 200, sub: 'repo:octo-org/octo-repo:ref:refs/heads/main' },
      {
        event: 'request',
        method: 'GET',
        url: '/',
        status: 401,
        code: 'ERR_TOKEN_MISSING',
        message: 'no bearer token in the Authorization header',
      },
    ])
    await expect(fetch(target)).rejects.toThrow()
  })

  it('exits 1 when the port is taken', async () => {
    const port = Number(new URL(url).port)
    const { code, stderr } = await run(['serve', '--audience', 'api', '--port', String(port)])
    expect(code).toBe(1)
    expect(stderr).toMatch(new RegExp(`^github-oidc serve: cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`))
  })

  it.each([
    [['serve', '--port', '0'], 'missing --audience'],
    [['serve', '--audience', 'a', '--port', '70000'], '--port: "70000" is not a port'],
    [['serve', '--audience', 'a', '--port', 'http'], '--port: "http" is not a port'],
    [['serve', '--audience', 'a', '--policy-claim', 'repositry=x'], 'did you mean repository?'],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, stderr } = await run(argv)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })
})
