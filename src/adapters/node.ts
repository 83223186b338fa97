/**
 * `github-oidc/node`: plain `node:http` (and anything built on its `IncomingMessage`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GitHubActionsClaims } from '../index.js'
import { createAdapterCore, type GitHubOidcOptions, nodeAuthorization, type Outcome } from './shared.js'

export type { GitHubOidcOptions } from './shared.js'

/**
 * Returns `auth(req, res)`: resolves with the claims of a verified, allowed caller, or answers the
 * refusal itself (status, headers and JSON body of DESIGN §3.4) and resolves with `undefined`.
 * It authenticates whatever it is given: route CORS preflights elsewhere before calling it.
 */
export function githubOidc(
  options: GitHubOidcOptions<IncomingMessage>,
): (req: IncomingMessage, res: ServerResponse) => Promise<GitHubActionsClaims | undefined> {
  const core = createAdapterCore<IncomingMessage>(options)
  const finish = (outcome: Outcome, res: ServerResponse): GitHubActionsClaims | undefined => {
    if (outcome.ok) return outcome.claims
    const body = JSON.stringify(outcome.http.body)
    res.writeHead(outcome.http.status, {
      ...outcome.http.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
    return undefined
  }
  // Not an async function: a repeated token costs one settled promise, no suspended frame.
  return function githubOidc(req, res) {
    try {
      const outcome = core.authenticate(nodeAuthorization(req), req)
      return outcome instanceof Promise
        ? outcome.then((settled) => finish(settled, res))
        : Promise.resolve(finish(outcome, res))
    } catch (error) {
      return Promise.reject(error)
    }
  }
}
