import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { MockEndpoint } from './faults.js'

/** Claims GitHub's discovery document lists, plus `check_run_id` that newer tokens carry. */
const CLAIMS_SUPPORTED = [
  'sub',
  'aud',
  'exp',
  'iat',
  'iss',
  'jti',
  'nbf',
  'ref',
  'sha',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'enterprise',
  'enterprise_id',
  'run_id',
  'run_number',
  'run_attempt',
  'actor',
  'actor_id',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'head_ref',
  'base_ref',
  'event_name',
  'ref_type',
  'ref_protected',
  'environment',
  'environment_node_id',
  'job_workflow_ref',
  'job_workflow_sha',
  'repository_visibility',
  'runner_environment',
  'issuer_scope',
  'check_run_id',
]

/**
 * The OpenID Provider metadata (OpenID Connect Discovery 1.0 §3) in the shape of
 * https://token.actions.githubusercontent.com/.well-known/openid-configuration.
 */
export function discovery(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: CLAIMS_SUPPORTED,
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  }
}

/** An HTTP answer with a JSON body. */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: OutgoingHttpHeaders
}

/** What the endpoints need from the issuer. */
export interface EndpointContext {
  readonly issuer: string
  readonly requestToken: string
  jwks(): unknown
  /** Mints the token endpoint's token for the requested audience (`undefined`: none asked). */
  mintForRequest(audience: string | undefined): string
}

/** The normal answer of an endpoint (no fault). */
export function answer(
  endpoint: MockEndpoint,
  req: IncomingMessage,
  query: URLSearchParams,
  ctx: EndpointContext,
): Reply {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, body: { message: 'Method Not Allowed' }, headers: { Allow: 'GET, HEAD' } }
  }
  // Lifetimes inside the verifier's 1 min … 24 h clamp (DESIGN §3.3), so caching is exercised.
  if (endpoint === 'discovery') {
    return { status: 200, body: discovery(ctx.issuer), headers: { 'Cache-Control': 'public, max-age=3600' } }
  }
  if (endpoint === 'jwks') return { status: 200, body: ctx.jwks(), headers: { 'Cache-Control': 'public, max-age=600' } }
  return token(req, query, ctx)
}

/**
 * The runner's ID token endpoint: `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=…` with
 * `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answering `{ count, value }`.
 * https://docs.github.com/en/actions/reference/security/oidc#methods-for-requesting-the-oidc-token
 */
function token(req: IncomingMessage, query: URLSearchParams, ctx: EndpointContext): Reply {
  if (/^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] !== ctx.requestToken) {
    const body = { message: 'Missing or invalid ACTIONS_ID_TOKEN_REQUEST_TOKEN' }
    return { status: 401, body, headers: { 'WWW-Authenticate': 'Bearer' } }
  }
  if (!query.get('api-version'))
    return { status: 400, body: { message: 'The api-version query parameter is required' } }
  // An empty `audience=` asks for no particular audience, like a missing one.
  const value = ctx.mintForRequest(query.get('audience') || undefined)
  return { status: 200, body: { count: value.length, value }, headers: { 'Cache-Control': 'no-store' } }
}

/** Sends a reply, unless the client has gone. */
export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return
  const json = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  })
  res.end(json)
}

/** Runs a handler so that no input can crash the process: a throw becomes a 500 (or a reset). */
export function guard(res: ServerResponse, handler: () => void): void {
  try {
    handler()
  } catch {
    if (res.headersSent) res.destroy()
    else send(res, { status: 500, body: { message: 'Internal Server Error' } })
  }
}
