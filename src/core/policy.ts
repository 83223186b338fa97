import type { GitHubActionsClaimName, GitHubActionsClaims } from './claims.js'

/**
 * How one claim is matched (DESIGN §4):
 * - a string: the claim equals it; if the string contains `*`, it is an anchored glob where `*`
 *   matches any run of characters (possibly empty) and everything else is literal;
 * - a list of strings: any one of them matches (each may be a glob);
 * - a predicate `(value, claims) => boolean`, called only when the claim is a present string.
 * A missing claim never matches. `repository`, `repository_owner`, `environment` and `actor`
 * compare case-insensitively (GitHub treats them so); every other claim exactly.
 */
export type ClaimMatcher = string | readonly string[] | ((value: string, claims: GitHubActionsClaims) => boolean)

type PolicyClaimName = Exclude<GitHubActionsClaimName, 'exp' | 'iat' | 'nbf'>

/** All matchers must hold (AND). Keys are claim names as GitHub spells them. */
export type PolicyRule = { readonly [K in PolicyClaimName]?: ClaimMatcher } & {
  readonly [K: `repo_property_${string}`]: ClaimMatcher
}

/**
 * Who may call. An object: all its matchers must hold. A list: any one object suffices (OR).
 * `'any'` accepts every repository on GitHub and must be written out.
 */
export type Policy = 'any' | PolicyRule | readonly PolicyRule[]

/** A policy validated and compiled once, at construction. */
export interface CompiledPolicy {
  /** `undefined` when the claims are allowed, otherwise the reason for the denial (for logs only). */
  readonly evaluate: (claims: GitHubActionsClaims) => string | undefined
}
