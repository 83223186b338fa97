import { TokenInvalidError } from './errors.js'

/**
 * The claims of a GitHub Actions OIDC ID token, as GitHub spells them.
 *
 * Every custom claim is a JSON string, IDs, counters and `ref_protected` included (see
 * shared/fixtures/github-real). Only `exp`, `iat` and `nbf` are numbers. The identity claims are
 * guaranteed present by the verifier; the others come and go across GitHub's token formats and
 * are `undefined` when absent. Claims GitHub adds later are passed through unchanged.
 *
 * @see https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims
 */
export interface GitHubActionsClaims {
  // Registered claims (RFC 7519 §4.1)
  /** Issuer: `https://token.actions.githubusercontent.com` (or the configured GHES / GHE.com issuer). */
  readonly iss: string
  /** Subject, e.g. `repo:octo-org/octo-repo:ref:refs/heads/main` or `…:environment:prod`. */
  readonly sub: string
  /** Audience; a single string in every token GitHub issues. */
  readonly aud: string
  /** Expiry, seconds since the epoch. */
  readonly exp: number
  /** Issued at, seconds since the epoch. */
  readonly iat: number
  /** Not before, seconds since the epoch (back-dated by GitHub). */
  readonly nbf?: number
  /** Unique token id. */
  readonly jti: string

  // Identity claims: always present in an ID token
  /** `owner/name`. Names can be renamed and re-registered: pin `repository_id` where it matters. */
  readonly repository: string
  /** Immutable numeric id of the repository, as a string. */
  readonly repository_id: string
  /** Owner login. Can be renamed and re-registered: pin `repository_owner_id` where it matters. */
  readonly repository_owner: string
  /** Immutable numeric id of the owner, as a string. */
  readonly repository_owner_id: string

  // Everything else GitHub documents
  readonly actor?: string
  readonly actor_id?: string
  readonly base_ref?: string
  readonly check_run_id?: string
  readonly enterprise?: string
  readonly enterprise_id?: string
  readonly environment?: string
  readonly environment_node_id?: string
  readonly event_name?: string
  readonly head_ref?: string
  readonly job_workflow_ref?: string
  readonly job_workflow_sha?: string
  readonly ref?: string
  /** `"true"` or `"false"`, a string. */
  readonly ref_protected?: string
  readonly ref_type?: string
  readonly repository_visibility?: string
  readonly run_attempt?: string
  readonly run_id?: string
  readonly run_number?: string
  /** `github-hosted` or `self-hosted`. */
  readonly runner_environment?: string
  readonly sha?: string
  readonly workflow?: string
  readonly workflow_ref?: string
  readonly workflow_sha?: string

  /** Custom repository properties (`repo_property_<name>`) and claims GitHub adds later. */
  readonly [claim: string]: unknown
}

/** The claims that a token must carry as non-empty strings to be a GitHub Actions ID token. */
export const IDENTITY_CLAIMS = [
  'sub',
  'jti',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
] as const

/**
 * The claim names GitHub documents. The index signature for claims GitHub adds later is dropped,
 * so that a typo in a policy key is a type error.
 */
export type GitHubActionsClaimName = keyof {
  [K in keyof GitHubActionsClaims as string extends K ? never : number extends K ? never : K]: unknown
}

/**
 * Checks that a verified payload has the identity claims of an ID token (DESIGN §3.2 rule 6).
 * This rejects the non-ID tokens GitHub's issuer also signs with the same key (runner and
 * token-request credentials have no `sub` and a foreign audience).
 */
export function assertIdentityClaims(
  payload: Record<string, unknown>,
): asserts payload is Record<string, unknown> & GitHubActionsClaims {
  for (const name of IDENTITY_CLAIMS) {
    const value = payload[name]
    if (typeof value !== 'string' || value === '') {
      const problem = value === undefined ? 'missing' : typeof value !== 'string' ? 'not a string' : 'empty'
      throw new TokenInvalidError('ERR_TOKEN_CLAIMS', `claim "${name}" is ${problem}: not a GitHub Actions ID token`, {
        cause: { claim: name, actual: value === undefined ? undefined : typeof value },
      })
    }
  }
}
