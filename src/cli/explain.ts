import type { GitHubOidcError, GitHubOidcErrorDetails } from '../index.js'
import { duration, isoSeconds, quote, quoteList, safe } from './format.js'

/** Where the verdict was reached, for the words of the sentence. */
export interface ExplainContext {
  /** The `--at` moment (ms since the epoch), or `undefined` for now. */
  readonly at?: number | undefined
  /** The `--jwks` file, when keys come from one. */
  readonly jwksFile?: string | undefined
  /** The `kid`s listed in that file, and the token's (unverified) `kid`. */
  readonly jwksKids?: readonly unknown[] | undefined
  readonly tokenKid?: unknown
}

/**
 * The failed check of a verification in plain words, built from the error's `code` and `cause`
 * (`claim`, `actual`, `expected`, `seconds`), e.g. "token expired 3 min ago" or
 * "audience is 'x', expected 'y'". For the operator running the CLI: a policy denial says why.
 */
export function explainFailure(error: GitHubOidcError, context: ExplainContext = {}): string {
  const cause: GitHubOidcErrorDetails = error.cause ?? {}
  const { actual, expected, seconds } = cause
  const when = (text: string) => (context.at === undefined ? `${text} ago` : `${text} before ${iso(context.at)}`)
  switch (error.code) {
    case 'ERR_TOKEN_EXPIRED':
      if (cause.claim === 'exp' && typeof seconds === 'number' && typeof actual === 'number') {
        return `token expired ${when(duration(seconds))} (exp ${isoSeconds(actual)})`
      }
      break
    case 'ERR_TOKEN_NOT_YET_VALID':
      if (typeof seconds === 'number' && typeof actual === 'number') {
        return cause.claim === 'nbf'
          ? `token is not valid for another ${duration(seconds)} (nbf ${isoSeconds(actual)})`
          : `token was issued ${duration(seconds)} in the future (iat ${isoSeconds(actual)}): is a clock wrong?`
      }
      break
    case 'ERR_TOKEN_AUDIENCE':
      return typeof actual === 'string'
        ? `audience is ${quote(actual)}, expected ${quoteList(expected)}`
        : `audience is not a single string (aud: ${quote(actual)}), expected ${quoteList(expected)}`
    case 'ERR_TOKEN_ISSUER':
      if (cause.claim === 'iss') {
        return actual === undefined
          ? `token has no issuer (iss), expected ${quoteList(expected)}`
          : `issuer is ${quote(actual)}, expected ${quoteList(expected)} (add --issuer to accept another)`
      }
      break
    case 'ERR_TOKEN_ALGORITHM':
      return `algorithm is ${quote(actual)}, expected 'RS256'`
    case 'ERR_TOKEN_SIGNATURE': {
      const keys = context.jwksFile === undefined ? "the issuer's key set" : `the key set in ${context.jwksFile}`
      return cause.claim === 'kid'
        ? `no key with kid ${quote(actual)} in ${keys}`
        : 'signature does not verify: the token was altered, or signed with another key'
    }
    case 'ERR_POLICY_DENIED':
      return `the token is valid, but the policy denies it: ${safe(cause.reason ?? 'no rule matched')}`
    case 'ERR_KEYS_UNAVAILABLE': {
      if (context.jwksFile !== undefined) return offlineKeyProblem(context.jwksFile, context)
      const reason = cause.error instanceof Error ? `: ${safe(cause.error.message)}` : ''
      return `the issuer's signing keys could not be fetched${reason}`
    }
    default:
      break
  }
  return safe(error.message)
}

/** The failure as `--json` prints it: no token, and only JSON-safe details. */
export function failureJson(error: GitHubOidcError, context: ExplainContext = {}): Record<string, unknown> {
  const { error: underlying, ...details } = error.cause ?? {}
  return {
    code: error.code,
    status: error.status,
    check: error.cause?.claim,
    message: explainFailure(error, context),
    details: underlying instanceof Error ? { ...details, error: underlying.message } : details,
  }
}

/**
 * With `--jwks` nothing is fetched, so the verifier's "keys unavailable" means: the saved key set
 * has no usable RS256 signing key.
 */
function offlineKeyProblem(file: string, context: ExplainContext): string {
  const kid = context.tokenKid
  if (typeof kid !== 'string') return `no usable RS256 signing key in ${file}`
  return context.jwksKids?.includes(kid)
    ? `the key with kid ${quote(kid)} in ${file} is not a usable RS256 signing key (RSA, 2048 bits or more)`
    : `no key with kid ${quote(kid)} in the key set in ${file}`
}

function iso(ms: number): string {
  return isoSeconds(ms / 1000)
}
