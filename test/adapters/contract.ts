/**
 * The one behaviour table every adapter runs through its framework's own request path (DESIGN §3.4,
 * issue 4). An adapter's test file builds an app with `setup` and says how to send it a request.
 */
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createVerifier,
  type GitHubOidcError,
  type Policy,
  type Verifier,
  type VerifierOptions,
} from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'

export const AUDIENCE = 'https://api.example.test'
export const OWNER_ID = '84293715' // the testing kit's presets
/** The app's policy. Its value must never appear in an answer. */
export const APP_POLICY = { repository_owner_id: OWNER_ID } as const
/** The stricter policy of the `/strict` route; the `push` preset has no environment. */
export const STRICT_POLICY = { environment: 'production-eu' } as const
export const PREFLIGHT_ORIGIN = 'https://app.example.test'

export interface TestRequest {
  readonly method?: string
  /** Default `/claims`. */
  readonly path?: string
  /** One value, or several to send several `Authorization` headers. */
  readonly authorization?: string | readonly string[]
  readonly headers?: Readonly<Record<string, string>>
}

export interface TestResponse {
  readonly status: number
  /** Lower-case names; several values joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface ContractApp {
  request(request: TestRequest): Promise<TestResponse>
  close?(): Promise<void>
}

export interface ContractOptions {
  /** Adapter options in the verifier-options form, with `onError` recording refusals. */
  readonly options: VerifierOptions & { readonly onError: (error: GitHubOidcError, request: unknown) => void }
  /** A verifier built from the same options, for the shared-verifier form. */
  readonly verifier: Verifier
  readonly strict: Policy
}

/**
 * What the app under test must serve:
 * - `GET /claims`, protected by `options`, answering 200 with the claims the route received as JSON;
 * - `GET /strict`, protected by the same verifier with `strict` added the adapter's per-route way;
 * - if `preflight`, the app's own CORS answer to `OPTIONS /claims`: 204 with
 *   `access-control-allow-origin: *`.
 */
export type ContractSetup = (options: ContractOptions) => Promise<ContractApp>

export interface ContractCapabilities {
  /** The adapter answers refusals itself with the JSON body of §3.4 (else a framework handler does). */
  readonly jsonErrors: boolean
  /** The adapter sees every method, so it must let CORS preflights through. */
  readonly preflight: boolean
}

export function runAdapterContract(name: string, setup: ContractSetup, capabilities: ContractCapabilities): void {
  describe(`${name}: adapter contract`, () => {
    let mock: MockIssuer
    let down: MockIssuer
    let app: ContractApp
    let downApp: ContractApp
    const refusals: GitHubOidcError[] = []
    const tokens: string[] = []

    const start = (issuer: string): Promise<ContractApp> => {
      const verifierOptions: VerifierOptions = { issuer, audience: AUDIENCE, policy: APP_POLICY }
      const onError = (error: GitHubOidcError): void => {
        refusals.push(error)
      }
      const verifier = createVerifier(verifierOptions)
      return setup({ options: { ...verifierOptions, onError }, verifier, strict: STRICT_POLICY })
    }
    const mint = (...args: Parameters<MockIssuer['mint']>): string => {
      const token = mock.mint(...args)
      tokens.push(token)
      return token
    }
    /** Sends through the adapter, and checks that no answer ever echoes a token. */
    const send = async (target: ContractApp, request: TestRequest): Promise<TestResponse> => {
      const response = await target.request(request)
      const text = JSON.stringify([response.headers, response.body])
      for (const token of tokens) {
        for (const part of token.split('.')) expect(text).not.toContain(part)
      }
      return response
    }
    const bearer = (token: string): TestRequest => ({ authorization: `Bearer ${token}` })
    const challenge = (response: TestResponse): string | undefined => response.headers['www-authenticate']
    const expectBody = (response: TestResponse, error: string, description?: string | RegExp): void => {
      if (!capabilities.jsonErrors) return
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      const body = JSON.parse(response.body) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['error', 'error_description'])
      expect(body.error).toBe(error)
      if (description !== undefined) expect(body.error_description).toMatch(description)
    }

    beforeAll(async () => {
      ;[mock, down] = await Promise.all([createMockIssuer(), createMockIssuer()])
      down.fail('down')
      ;[app, downApp] = await Promise.all([start(mock.issuer), start(down.issuer)])
    })
    afterAll(async () => {
      await Promise.all([app?.close?.(), downApp?.close?.()])
      await Promise.all([mock?.close(), down?.close()])
    })

    it('answers a valid token with 200 and hands the claims to the route', async () => {
      const token = mint({}, { audience: AUDIENCE })
      const response = await send(app, bearer(token))
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual(decodePayload(token))
    })

    it('answers a request without credentials with 401 and a bare challenge', async () => {
      const response = await send(app, {})
      expect(response.status).toBe(401)
      expect(challenge(response)).toBe('Bearer realm="github-oidc"')
      expectBody(response, 'unauthorized')
    })

    it('answers an expired token with 401 invalid_token saying it expired', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 3600
      const response = await send(app, bearer(mint({}, { audience: AUDIENCE, issuedAt, expiresIn: 300 })))
      expect(response.status).toBe(401)
      expect(challenge(response)).toMatch(
        /^Bearer realm="github-oidc", error="invalid_token", error_description="token expired \d+ min ago"$/,
      )
      expectBody(response, 'invalid_token', /^token expired/)
      expect(refusals.at(-1)?.code).toBe('ERR_TOKEN_EXPIRED')
    })

    it('answers a token minted for another audience with 401 invalid_token', async () => {
      const response = await send(app, bearer(mint({}, { audience: 'https://other.example.test' })))
      expect(response.status).toBe(401)
      expect(challenge(response)).toBe(
        'Bearer realm="github-oidc", error="invalid_token", error_description="audience mismatch: the token was minted for another audience"',
      )
      expectBody(response, 'invalid_token', /^audience mismatch/)
      expect(refusals.at(-1)?.code).toBe('ERR_TOKEN_AUDIENCE')
    })

    it('answers a garbage token with 401 invalid_token', async () => {
      tokens.push('bm90LWEtand0.Z2FyYmFnZQ.c2lnbmF0dXJl')
      const response = await send(app, { authorization: 'Bearer bm90LWEtand0.Z2FyYmFnZQ.c2lnbmF0dXJl' })
      expect(response.status).toBe(401)
      expect(challenge(response)).toMatch(
        /^Bearer realm="github-oidc", error="invalid_token", error_description="[^"]+"$/,
      )
      expectBody(response, 'invalid_token')
      expect(refusals.at(-1)?.code).toBe('ERR_TOKEN_MALFORMED')
    })

    it('answers two tokens in one header with 400 invalid_request', async () => {
      const response = await send(app, { authorization: `Bearer ${mint({}, { audience: AUDIENCE })} second` })
      expect(response.status).toBe(400)
      expect(challenge(response)).toBe('Bearer realm="github-oidc", error="invalid_request"')
      expectBody(response, 'invalid_request')
    })

    it('answers two Authorization headers with 400 invalid_request', async () => {
      const token = mint({}, { audience: AUDIENCE })
      const response = await send(app, { authorization: [`Bearer ${token}`, `Bearer ${token}`] })
      expect(response.status).toBe(400)
      expect(challenge(response)).toBe('Bearer realm="github-oidc", error="invalid_request"')
      expectBody(response, 'invalid_request')
      expect(refusals.at(-1)?.code).toBe('ERR_REQUEST_INVALID')
    })

    it('answers a caller the policy denies with 403 insufficient_scope, revealing nothing of the policy', async () => {
      const token = mint({ repository_owner_id: '1', repository_owner: 'mallory' }, { audience: AUDIENCE })
      const response = await send(app, bearer(token))
      expect(response.status).toBe(403)
      expect(challenge(response)).toBe('Bearer realm="github-oidc", error="insufficient_scope"')
      expectBody(response, 'insufficient_scope')
      expect(JSON.stringify(response)).not.toMatch(new RegExp(`${OWNER_ID}|repository_owner|mallory`))
      expect(refusals.at(-1)?.code).toBe('ERR_POLICY_DENIED')
      expect(JSON.stringify(refusals.at(-1)?.cause)).toContain('repository_owner_id')
    })

    it('applies a stricter per-route policy on top of the app policy', async () => {
      const denied = await send(app, { ...bearer(mint({}, { audience: AUDIENCE })), path: '/strict' })
      expect(denied.status).toBe(403)
      expect(challenge(denied)).toBe('Bearer realm="github-oidc", error="insufficient_scope"')
      expect(JSON.stringify(denied)).not.toMatch(/production-eu|environment/)
      const allowed = mint({ environment: 'Production-EU' }, { audience: AUDIENCE, preset: 'environment' })
      const response = await send(app, { ...bearer(allowed), path: '/strict' })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual(decodePayload(allowed))
      const outsider = mint({ environment: 'production-eu', repository_owner_id: '1' }, { audience: AUDIENCE })
      expect((await send(app, { ...bearer(outsider), path: '/strict' })).status).toBe(403)
    })

    it('answers 503 with Retry-After and no challenge when no key can be fetched at cold start', async () => {
      const response = await send(downApp, bearer(down.mint({}, { audience: AUDIENCE })))
      expect(response.status).toBe(503)
      expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/)
      expect(challenge(response)).toBeUndefined()
      expectBody(response, 'temporarily_unavailable')
      expect(refusals.at(-1)?.code).toBe('ERR_KEYS_UNAVAILABLE')
    })

    it.runIf(capabilities.preflight)('passes a CORS preflight through untouched', async () => {
      const before = refusals.length
      const response = await send(app, {
        method: 'OPTIONS',
        headers: { origin: PREFLIGHT_ORIGIN, 'access-control-request-method': 'GET' },
      })
      expect(response.status).toBe(204)
      expect(response.headers['access-control-allow-origin']).toBe('*')
      expect(challenge(response)).toBeUndefined()
      expect(refusals.length).toBe(before)
    })

    it('reports every refusal to onError with its code, and never a valid request', async () => {
      const before = refusals.length
      await send(app, bearer(mint({}, { audience: AUDIENCE })))
      expect(refusals.length).toBe(before)
      await send(app, { authorization: 'Basic dXNlcjpwYXNz' })
      expect(refusals.length).toBe(before + 1)
      expect(refusals.at(-1)?.code).toBe('ERR_TOKEN_MISSING')
    })
  })
}

/** The claims of a compact JWT, without verification (to compare with what a route received). */
export function decodePayload(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
}

/** Headers of a `TestRequest` as a Web `Headers` (several `Authorization` values are appended). */
export function toHeaders(request: TestRequest): Headers {
  const headers = new Headers(request.headers)
  const values = typeof request.authorization === 'string' ? [request.authorization] : (request.authorization ?? [])
  for (const value of values) headers.append('authorization', value)
  return headers
}

/** A Web `Request` to `http://localhost` for a `TestRequest`. */
export function toRequest(request: TestRequest, origin = 'http://localhost'): Request {
  return new Request(`${origin}${request.path ?? '/claims'}`, {
    method: request.method ?? 'GET',
    headers: toHeaders(request),
  })
}

export async function fromResponse(response: Response): Promise<TestResponse> {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
}

/**
 * Sends over a real socket with `node:http`, as raw header pairs so that two `Authorization`
 * headers really are two headers on the wire.
 */
export function sendHttp(origin: string, request: TestRequest): Promise<TestResponse> {
  const url = new URL(request.path ?? '/claims', origin)
  const raw = ['host', url.host]
  for (const [name, value] of Object.entries(request.headers ?? {})) raw.push(name, value)
  const values = typeof request.authorization === 'string' ? [request.authorization] : (request.authorization ?? [])
  for (const value of values) raw.push('authorization', value)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: request.method ?? 'GET', headers: raw, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('request timed out')))
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** Listens on `127.0.0.1` and a free port; resolves with the origin and a `close`. */
export async function listen(server: Server): Promise<{ origin: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
