import { verifyRs256 } from '#crypto'
import type { PublicKeyHandle } from '../lib/crypto-port.js'
import { type AuthorizationInput, readBearerToken } from './bearer.js'
import { createVerdictCache } from './cache.js'
import { assertIdentityClaims, type GitHubActionsClaims } from './claims.js'
import { PolicyDeniedError, TokenInvalidError } from './errors.js'
import { createKeyStore } from './jwks.js'
import { parseToken } from './jws.js'
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
  readonly claims: GitHubActionsClaims
  readonly issuer: string
  readonly kid: string
  readonly key: PublicKeyHandle
}

/** Creates a verifier. Options are validated now: a bad one throws a `TypeError` naming it. */
export function createVerifier(options: VerifierOptions): Verifier {
  const resolved = resolveOptions(options)
  const keys = createKeyStore(resolved)
  const verdicts = createVerdictCache<CachedVerdict>(resolved.cacheSize)

  async function verifyToken(token: unknown): Promise<GitHubActionsClaims> {
    if (typeof token !== 'string') throw new TokenInvalidError('ERR_TOKEN_MALFORMED', 'token is not a string')
    const hit = verdicts.get(token)
    if (hit !== undefined) {
      if (keys.isCurrent(hit.issuer, hit.kid, hit.key)) {
        checkTimes(hit.claims, resolved)
        return hit.claims
      }
      verdicts.delete(token)
    }
    const { kid, payload, signingInput, signature } = parseToken(token)
    const issuer = payload.iss
    if (typeof issuer !== 'string' || !resolved.issuers.includes(issuer)) {
      // The unverified `iss` may only choose among configured issuers; it never becomes a URL to fetch.
      throw new TokenInvalidError('ERR_TOKEN_ISSUER', 'token issuer is not an accepted issuer', {
        cause: { claim: 'iss', actual: issuer, expected: resolved.issuers },
      })
    }
    const key = await keys.getKey(issuer, kid)
    const valid = verifyRs256(key, signingInput, signature)
    if (!(typeof valid === 'boolean' ? valid : await valid)) {
      throw new TokenInvalidError('ERR_TOKEN_SIGNATURE', 'token signature is invalid')
    }
    const claims = checkClaims(payload, resolved)
    verdicts.set(token, { claims, issuer, kid, key })
    return claims
  }

  function withPolicy(policy: CompiledPolicy): Verifier {
    const verifier: Verifier = {
      async verify(token) {
        return allow(policy, await verifyToken(token))
      },
      async authenticate(input) {
        return allow(policy, await verifyToken(readBearerToken(input)))
      },
      withPolicy(extra) {
        return withPolicy(allOf(policy, compilePolicy(extra, 'withPolicy(policy)')))
      },
    }
    return Object.freeze(verifier)
  }

  return withPolicy(resolved.policy)
}

function allow(policy: CompiledPolicy, claims: GitHubActionsClaims): GitHubActionsClaims {
  const reason = policy.evaluate(claims)
  if (reason !== undefined) throw new PolicyDeniedError(undefined, { cause: { reason } })
  return claims
}

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
  for (const name of ['exp', 'iat'] as const) {
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
