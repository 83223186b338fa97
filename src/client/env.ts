import { ActionsTokenError } from './errors.js'
import { isCompactJwt } from './jwt.js'
import type { Environment, ResolvedClientOptions } from './options.js'

/** What a call resolves to: a token handed in, or a request to make to the runner's token endpoint. */
export type TokenTarget =
  | { readonly kind: 'static'; readonly token: string }
  | { readonly kind: 'request'; readonly url: URL; readonly requestToken: string }

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

// https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings
const MISSING_HELP =
  'Add `permissions: id-token: write` to the workflow or the job. ' +
  'Pull requests from forks get no ID token, and neither do runs triggered by Dependabot (they run like forks). ' +
  'Outside GitHub Actions, set GITHUB_OIDC_TOKEN to hand in a token.'

export function readEnvironment(): Environment {
  return process.env
}

export function resolveTarget(audience: string, options: ResolvedClientOptions): TokenTarget {
  const env = options.env ?? readEnvironment()
  if (options.token !== undefined) return { kind: 'static', token: options.token }
  const override = env.GITHUB_OIDC_TOKEN
  if (override !== undefined && override !== '') {
    if (!isCompactJwt(override)) {
      throw new ActionsTokenError('ERR_ACTIONS_ENV_INVALID', 'GITHUB_OIDC_TOKEN is set but is not a compact JWT')
    }
    return { kind: 'static', token: override }
  }
  const rawUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  const missing = [
    rawUrl ? undefined : 'ACTIONS_ID_TOKEN_REQUEST_URL',
    requestToken ? undefined : 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  ].filter((name) => name !== undefined)
  if (rawUrl === undefined || rawUrl === '' || requestToken === undefined || requestToken === '') {
    const where = env.GITHUB_ACTIONS === 'true' ? 'This GitHub Actions job has' : 'Not running in GitHub Actions:'
    throw new ActionsTokenError(
      'ERR_ACTIONS_ENV_MISSING',
      `${where} no ${missing.join(' or ')}, so it cannot request an OIDC ID token. ${MISSING_HELP}`,
    )
  }
  return { kind: 'request', url: requestUrl(rawUrl, audience), requestToken }
}

function requestUrl(raw: string, audience: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch (cause) {
    throw new ActionsTokenError('ERR_ACTIONS_ENV_INVALID', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL', { cause })
  }
  // The request token is a credential: never send it in clear text beyond this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ActionsTokenError(
      'ERR_ACTIONS_ENV_INVALID',
      'ACTIONS_ID_TOKEN_REQUEST_URL must be https: (http: only on a loopback host)',
    )
  }
  // The runner's URL already carries `api-version`; `set` encodes the audience and never duplicates it.
  url.searchParams.set('audience', audience)
  // URLSearchParams writes a space as `+` (and a literal `+` as `%2B`); `%20` reads back as a space
  // under both form and plain percent decoding, whichever the endpoint uses.
  url.search = url.search.replace(/\+/g, '%20')
  return url
}
