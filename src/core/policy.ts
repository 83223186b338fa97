import type { GitHubActionsClaimName, GitHubActionsClaims } from './claims.js'
import { compileStrings, describe, describeClaim, distance, errorMessage, isPlainObject } from './policy-match.js'

/** Decides one claim; called only when the claim is a present string. Anything but `true` denies. */
export type ClaimPredicate = (value: string, claims: GitHubActionsClaims) => boolean

/**
 * How one claim is matched (DESIGN §4):
 * - a string: the claim equals it; if the string contains `*`, it is an anchored glob where `*`
 *   matches any run of characters (possibly empty, `/` and `@` included) and everything else is
 *   literal, so keep `*` at the end of refs (`refs/tags/v*`);
 * - a list of strings: any one of them matches (each may be a glob);
 * - a predicate `(value, claims) => boolean`, called only when the claim is a present string.
 * A missing claim never matches. `repository`, `repository_owner`, `environment` and `actor`
 * compare case-insensitively (GitHub treats them so); every other claim exactly. Empty strings
 * are rejected at construction (usually an unset environment variable); match `''` with a predicate.
 */
export type ClaimMatcher = string | readonly string[] | ClaimPredicate

/** Claim names a policy may match: the documented string claims (not the numeric `exp`/`iat`/`nbf`). */
export type PolicyClaimName = Exclude<GitHubActionsClaimName, 'exp' | 'iat' | 'nbf'>

/** All matchers must hold (AND). Keys are claim names as GitHub spells them. */
export type PolicyRule = { readonly [K in PolicyClaimName]?: ClaimMatcher } & {
  readonly [K: `repo_property_${string}`]: ClaimMatcher
} & {
  /**
   * Escape hatch for claims this library does not know yet (GitHub adds some every year): a
   * predicate over all claims. Anything but `true` denies; a throw denies.
   */
  readonly claims?: (claims: GitHubActionsClaims) => boolean
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

// biome-ignore format: a table of names reads better wrapped
const CLAIM_NAMES = [
  'iss', 'sub', 'aud', 'jti', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id',
  'actor', 'actor_id', 'base_ref', 'check_run_id', 'enterprise', 'enterprise_id', 'environment',
  'environment_node_id', 'event_name', 'head_ref', 'job_workflow_ref', 'job_workflow_sha', 'ref',
  'ref_protected', 'ref_type', 'repository_visibility', 'run_attempt', 'run_id', 'run_number',
  'runner_environment', 'sha', 'workflow', 'workflow_ref', 'workflow_sha',
] as const satisfies readonly PolicyClaimName[]
// Fails to compile when claims.ts documents a claim that the runtime list above lacks.
type AssertNone<T extends never> = T
type UnlistedClaims = AssertNone<Exclude<PolicyClaimName, (typeof CLAIM_NAMES)[number]>>
const POLICY_CLAIMS: ReadonlySet<string> = new Set<PolicyClaimName | UnlistedClaims>(CLAIM_NAMES)
// GitHub compares these names case-insensitively (owner and repository logins, environment names).
const CASE_INSENSITIVE: ReadonlySet<string> = new Set(['repository', 'repository_owner', 'environment', 'actor'])
const HINT = "write who may call, e.g. { repository_owner_id: '1342004' } (see ownerId, repositoryId), or 'any'"

interface Check {
  /** Runs on every request: no allocation. */
  readonly test: (claims: GitHubActionsClaims) => boolean
  /** Runs after a denial: why the last `test` failed. */
  readonly explain: (claims: GitHubActionsClaims) => string
}

const ALLOW_ALL: CompiledPolicy = Object.freeze({ evaluate: () => undefined })

/**
 * Validates a policy once and compiles it (DESIGN §4). Throws a `TypeError` naming
 * `options.<optionName>` for anything that is not a policy, so a typo or an unset variable fails
 * at startup instead of silently allowing or denying every caller.
 */
export function compilePolicy(policy: unknown, optionName: string): CompiledPolicy {
  const path = `options.${optionName}`
  if (policy === 'any') return ALLOW_ALL
  if (!Array.isArray(policy)) return createPolicy([compileRule(policy, path)], false)
  if (policy.length === 0) throw new TypeError(`${path}: an empty list allows no one; ${HINT}`)
  // Array.from visits holes too, so `[, rule]` is rejected rather than skipped.
  return createPolicy(
    Array.from(policy as unknown[], (rule, index) => compileRule(rule, `${path}[${index}]`)),
    true,
  )
}

/** A policy that allows only what every one of `policies` allows; the reason is the first denial. */
export function allOf(...policies: CompiledPolicy[]): CompiledPolicy {
  if (policies.length === 0) throw new TypeError('allOf(): needs at least one compiled policy')
  for (const [index, policy] of policies.entries()) {
    if (typeof policy?.evaluate !== 'function')
      throw new TypeError(`allOf(): argument ${index} is not a compiled policy`)
  }
  const list = policies.filter((policy) => policy !== ALLOW_ALL)
  if (list.length <= 1) return list[0] ?? ALLOW_ALL
  return Object.freeze({
    evaluate(claims: GitHubActionsClaims): string | undefined {
      for (let index = 0; index < list.length; index++) {
        const reason = list[index]!.evaluate(claims)
        if (reason !== undefined) return reason
      }
      return undefined
    },
  })
}

function createPolicy(rules: readonly (readonly Check[])[], isList: boolean): CompiledPolicy {
  const failedAt = new Int32Array(rules.length)
  const explain = (claims: GitHubActionsClaims, rule: number) => rules[rule]![failedAt[rule]!]!.explain(claims)
  return Object.freeze({
    evaluate(claims: GitHubActionsClaims): string | undefined {
      if (typeof claims !== 'object' || claims === null) return 'the claims are not an object'
      for (let rule = 0; rule < rules.length; rule++) {
        const checks = rules[rule]!
        let check = 0
        while (check < checks.length && checks[check]!.test(claims)) check++
        if (check === checks.length) return undefined
        failedAt[rule] = check
      }
      if (!isList) return explain(claims, 0)
      return rules.map((_, rule) => `rule[${rule}]: ${explain(claims, rule)}`).join('; ')
    },
  })
}

function compileRule(rule: unknown, path: string): Check[] {
  if (rule === 'any') throw new TypeError(`${path}: 'any' must be the whole policy, not part of a list`)
  if (!isPlainObject(rule)) throw new TypeError(`${path}: ${describe(rule)} is not a policy; ${HINT}`)
  const keys = Object.keys(rule)
  if (keys.length === 0) throw new TypeError(`${path}: an empty object would allow every token; ${HINT}`)
  return keys.map((key) => compileCheck(key, rule[key], `${path}.${key}`))
}

function compileCheck(name: string, matcher: unknown, path: string): Check {
  if (name === 'claims') {
    if (typeof matcher !== 'function') throw new TypeError(`${path}: must be a predicate (claims) => boolean`)
    return predicateCheck(undefined, matcher as (claims: GitHubActionsClaims) => unknown)
  }
  if (name === 'exp' || name === 'iat' || name === 'nbf') {
    throw new TypeError(`${path}: a numeric time claim, checked by the verifier (clockTolerance, maxTokenAge)`)
  }
  if (!POLICY_CLAIMS.has(name) && !/^repo_property_./s.test(name)) {
    const near = [...POLICY_CLAIMS].sort((a, b) => distance(a, name) - distance(b, name))[0]!
    const hint = distance(near, name) <= 2 ? ` (did you mean ${near}?)` : ''
    throw new TypeError(
      `${path}: unknown claim${hint}; keys are claim names as GitHub spells them` +
        ' or repo_property_<name>; for a claim GitHub added later, use { claims: (claims) => … }',
    )
  }
  if (typeof matcher === 'function') return predicateCheck(name, matcher as ClaimPredicate)
  const patterns = typeof matcher === 'string' ? [matcher] : Array.isArray(matcher) ? [...matcher] : []
  if (patterns.length === 0 || !patterns.every((pattern) => typeof pattern === 'string' && pattern !== '')) {
    throw new TypeError(
      `${path}: got ${describe(matcher)}; expected a non-empty string (claims are strings, IDs too),` +
        ' a non-empty list of them, or a predicate (value, claims) => boolean',
    )
  }
  const match = compileStrings(patterns as string[], CASE_INSENSITIVE.has(name))
  const expected =
    (patterns.length === 1
      ? JSON.stringify(patterns[0])
      : `one of ${patterns.map((p) => JSON.stringify(p)).join(', ')}`) +
    (CASE_INSENSITIVE.has(name) ? ' (case-insensitive)' : '')
  return {
    test: (claims) => {
      const value = Object.hasOwn(claims, name) ? claims[name] : undefined
      return typeof value === 'string' && match(value)
    },
    explain: (claims) => `${describeClaim(claims, name)}, expected ${expected}`,
  }
}

/** A predicate check; `name` undefined is the whole-claims escape hatch. Fails closed on a throw. */
function predicateCheck(name: string | undefined, predicate: (...args: never[]) => unknown): Check {
  const call = predicate as (first: unknown, claims: GitHubActionsClaims) => unknown
  // An arrow written in the policy object is named after its key: only a real name says something.
  const named = predicate.name !== '' && predicate.name !== (name ?? 'claims')
  const label = named ? `predicate ${predicate.name}` : 'the predicate'
  // The last failure, kept for `explain` without allocating on the path where a later rule allows.
  let threw = false
  let outcome: unknown
  return {
    test: (claims) => {
      const value = name === undefined ? claims : Object.hasOwn(claims, name) ? claims[name] : undefined
      if (typeof value !== 'string' && name !== undefined) return false
      try {
        const result = call(value, claims)
        if (result === true) return true
        threw = false
        outcome = result
      } catch (error) {
        threw = true
        outcome = error
      }
      return false
    },
    explain: (claims) => {
      const subject = name === undefined ? 'claims' : describeClaim(claims, name)
      const present = name === undefined || (Object.hasOwn(claims, name) && typeof claims[name] === 'string')
      if (!present) return `${subject}, never matches`
      if (threw) return `${subject}, ${label} threw: ${errorMessage(outcome)}`
      if (outcome === false) return `${subject}, rejected by ${label}`
      const thenable = typeof (outcome as { then?: unknown } | null)?.then === 'function'
      return `${subject}, ${label} returned ${thenable ? 'a Promise (predicates must be synchronous)' : `${typeof outcome}, not true`}`
    },
  }
}
