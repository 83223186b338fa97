import { verifyRs256 } from '#crypto'
import type { PublicKeyHandle } from '../lib/crypto-port.js'
import { type AuthorizationInput, readBearerToken } from './bearer.js'
import { createVerdictCache, fingerprint } from './cache.js'
import { assertIdentityClaims, type GitHubActionsClaims } from './claims.js'
import { PolicyDeniedError, TokenInvalidError } from './errors.js'
import { createKeyStore } from './jwks.js'
import { isCanonicalToken, type ParsedToken, parseToken } from './jws.js'
import { type ResolvedOptions, resolveOptions, type VerifierOptions } from './options.js'
import { allOf, type CompiledPolicy, compilePolicy, type Policy } from './policy.js'

/**
 * Verifies GitHub Actions OIDC tokens. Create one at start-up and share it: it holds the key cache
 * and the cache of verified tokens, and is safe under concurrent requests.
 */
export interface Verifier {
  /**
   * Verifies a compact JWT and applies the policy (DESIGN §3.2 rules 2–8, in that order): structure,
   * header (`alg` RS256, `kid`, no `crit`), issuer among the configured ones, signature with a key
   * of that issuer's JWKS, then `aud`, `exp`, `iat`, `nbf`, `maxTokenAge` and the identity claims,
   * then the policy. Resolves with the claims, frozen; rejects with a `GitHubOidcError`.
   *
   * Does not check: `typ`, `x5t`, or any claim the policy does not name (`ref`, `environment`, …
   * are yours to pin). A token is not single-use: replay within its lifetime is accepted, as
   * bearer tokens are (RFC 6750 §5.2); keep lifetimes short and audiences specific.
   */
  verify(token: string): Promise<GitHubActionsClaims>
  /**
   * Reads `Authorization: Bearer <token>` (the only header parser, DESIGN §3.2 rule 1) from a
   * `Request`, `Headers`, the header value, or the list of its values (Node's
   * `req.headersDistinct.authorization`, so that two headers are refused), then `verify`.
   */
  authenticate(input: AuthorizationInput): Promise<GitHubActionsClaims>
  /**
   * A verifier sharing this one's keys and caches that allows a caller only when both this
   * verifier's policy and `policy` allow it: per-route policies can only be stricter.
   */
  withPolicy(policy: Policy): Verifier
}

interface CachedVerdict {
  readonly token: string
  readonly claims: GitHubActionsClaims
  readonly issuer: string
  readonly kid: string
  readonly key: PublicKeyHandle
}

/**
 * The verdict cache is keyed by the last characters of the signature, confirmed by comparing the
 * whole token: each request brings a new header string, and hashing 32 characters instead of the
 * whole ~1.2 KB token is what makes a repeated token cost a map lookup (DESIGN §8).
 */
const CACHE_KEY_LENGTH = 32
const cacheKey = (token: string) => token.slice(-CACHE_KEY_LENGTH)

/** The claims now when the verdict or the key is in memory, else a promise of them. */
export type Verdict = GitHubActionsClaims | Promise<GitHubActionsClaims>

/** Each verifier's `authenticate` without the promise, for the adapters of this package. */
const synchronous = new WeakMap<Verifier, (input: AuthorizationInput) => Verdict>()

/**
 * `verifier.authenticate(input)`, but with the claims returned directly when no I/O is needed (a
 * remembered token, a cached key on Node.js), and failures thrown. Adapters use it so that a
 * repeated token costs no promise on the request path (DESIGN §8). Internal to the package.
 */
export function authenticateNow(verifier: Verifier, input: AuthorizationInput): Verdict {
  const now = synchronous.get(verifier)
  return now === undefined ? verifier.authenticate(input) : now(input)
}

function settle(run: () => Verdict): Promise<GitHubActionsClaims> {
  try {
    const verdict = run()
    return verdict instanceof Promise ? verdict : Promise.resolve(verdict)
  } catch (error) {
    return Promise.reject(error)
  }
}

/** Creates a verifier. Options are validated now: a bad one throws a `TypeError` naming it. */
export function createVerifier(options: VerifierOptions): Verifier {
  const resolved = resolveOptions(options)
  const keys = createKeyStore(resolved)
  const verdicts = createVerdictCache<CachedVerdict>(resolved.cacheSize)

  /** Synchronous while the verdict or the key is in memory: a warm verification waits on no promise. */
  function verifyToken(token: unknown): Verdict {
    if (typeof token !== 'string') throw new TokenInvalidError('ERR_TOKEN_MALFORMED', 'token is not a string')
    const remembered = cacheKey(token)
    const hit = verdicts.get(remembered)
    if (hit !== undefined && hit.token === token) {
      if (keys.isCurrent(hit.issuer, hit.kid, hit.key)) {
        checkTimes(hit.claims, resolved)
        return hit.claims
      }
      verdicts.delete(remembered)
    }
    const parsed = parseToken(token)
    const issuer = parsed.payload.iss
    if (typeof issuer !== 'string' || !resolved.issuers.includes(issuer)) {
      // The unverified `iss` may only choose among configured issuers; it never becomes a URL to fetch.
      throw new TokenInvalidError('ERR_TOKEN_ISSUER', 'token issuer is not an accepted issuer', {
        cause: { claim: 'iss', actual: issuer, expected: resolved.issuers },
      })
    }
    const key = keys.peekKey(issuer, parsed.kid)
    if (key !== undefined) return verifySignature(token, parsed, issuer, key)
    return keys.getKey(issuer, parsed.kid).then((fetched) => verifySignature(token, parsed, issuer, fetched))
  }

  function verifySignature(token: string, parsed: ParsedToken, issuer: string, key: PublicKeyHandle): Verdict {
    // Typed as the port's contract: the node port answers synchronously, the web port with a promise.
    const valid = verifyRs256(key, parsed.signingInput, parsed.signature) as boolean | Promise<boolean>
    if (typeof valid !== 'boolean') return valid.then((ok) => accept(token, parsed, issuer, key, ok))
    return accept(token, parsed, issuer, key, valid)
  }

  function accept(token: string, parsed: ParsedToken, issuer: string, key: PublicKeyHandle, valid: boolean) {
    if (!valid) {
      if (!isCanonicalToken(token)) {
        throw new TokenInvalidError('ERR_TOKEN_MALFORMED', 'token segment is not canonical base64url')
      }
      throw new TokenInvalidError('ERR_TOKEN_SIGNATURE', 'token signature is invalid')
    }
    const claims = checkClaims(parsed.payload, resolved)
    if (verdicts.admit(fingerprint(token)))
      verdicts.set(cacheKey(token), { token, claims, issuer, kid: parsed.kid, key })
    return claims
  }

  function withPolicy(policy: CompiledPolicy): Verifier {
    const decide = (verdict: Verdict): Verdict =>
      verdict instanceof Promise ? verdict.then((claims) => allow(policy, claims)) : allow(policy, verdict)
    const authenticateNow = (input: AuthorizationInput) => decide(verifyToken(readBearerToken(input)))
    const verifier: Verifier = {
      verify(token) {
        return settle(() => decide(verifyToken(token)))
      },
      authenticate(input) {
        return settle(() => authenticateNow(input))
      },
      withPolicy(extra) {
        return withPolicy(allOf(policy, compilePolicy(extra, 'withPolicy(policy)')))
      },
    }
    Object.freeze(verifier)
    synchronous.set(verifier, authenticateNow)
    return verifier
  }

  return withPolicy(resolved.policy)
}

function allow(policy: CompiledPolicy, claims: GitHubActionsClaims): GitHubActionsClaims {
  const reason = policy.evaluate(claims)
  if (reason !== undefined) throw new PolicyDeniedError(undefined, { cause: { reason } })
  return claims
}

const REQUIRED_TIMES = ['exp', 'iat'] as const

/** Rule 6 after the signature: audience, times, identity claims. Returns the frozen claims. */
function checkClaims(payload: Record<string, unknown>, options: ResolvedOptions): GitHubActionsClaims {
  const aud = payload.aud
  if (typeof aud !== 'string' || !options.audiences.includes(aud)) {
    const message =
      typeof aud === 'string'
        ? 'audience mismatch: the token was minted for another audience'
        : 'token aud is not a string'
    throw new TokenInvalidError('ERR_TOKEN_AUDIENCE', message, {
      cause: { claim: 'aud', actual: aud, expected: options.audiences },
    })
  }
  for (const name of REQUIRED_TIMES) {
    if (!isNumericDate(payload[name])) invalidClaim(name, `token ${name} is missing or not a number`)
  }
  if (payload.nbf !== undefined && !isNumericDate(payload.nbf)) invalidClaim('nbf', 'token nbf is not a number')
  assertIdentityClaims(payload)
  checkTimes(payload, options)
  return Object.freeze(payload)
}

/** Runs on every verification, cached or not: a remembered token still expires. */
function checkTimes(claims: GitHubActionsClaims, options: ResolvedOptions): void {
  const now = options.now() / 1000
  const tolerance = options.clockTolerance
  if (claims.exp <= now - tolerance) {
    const seconds = Math.round(now - claims.exp)
    throw new TokenInvalidError('ERR_TOKEN_EXPIRED', `token expired ${describeSeconds(seconds)} ago`, {
      cause: { claim: 'exp', actual: claims.exp, seconds },
    })
  }
  if (claims.nbf !== undefined && claims.nbf > now + tolerance) notYetValid('nbf', claims.nbf, now)
  if (claims.iat > now + tolerance) notYetValid('iat', claims.iat, now)
  const maxAge = options.maxTokenAge
  if (maxAge !== undefined && now - claims.iat - tolerance > maxAge) {
    const seconds = Math.round(now - claims.iat)
    throw new TokenInvalidError(
      'ERR_TOKEN_EXPIRED',
      `token is older than maxTokenAge (issued ${describeSeconds(seconds)} ago)`,
      {
        cause: { claim: 'iat', actual: claims.iat, expected: maxAge, seconds },
      },
    )
  }
}

function notYetValid(claim: 'nbf' | 'iat', value: number, now: number): never {
  const seconds = Math.round(value - now)
  const what = claim === 'nbf' ? 'not valid before' : 'issued'
  throw new TokenInvalidError('ERR_TOKEN_NOT_YET_VALID', `token ${what} ${describeSeconds(seconds)} in the future`, {
    cause: { claim, actual: value, seconds },
  })
}

function invalidClaim(claim: string, message: string): never {
  throw new TokenInvalidError('ERR_TOKEN_CLAIMS', message, { cause: { claim } })
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}
