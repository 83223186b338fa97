import { expectTypeOf, test } from 'vitest'
import type { GitHubActionsClaims } from '../../src/core/claims.js'
import { environment, notPullRequestTarget, repositoryId } from '../../src/core/pins.js'
import type { ClaimMatcher, Policy, PolicyClaimName, PolicyRule } from '../../src/core/policy.js'

test('documented claim names and repo_property_<name> are policy keys', () => {
  const rule: PolicyRule = {
    repository_owner_id: '1342004',
    repository: ['octo-org/a', 'octo-org/b'],
    job_workflow_ref: 'octo-org/ci/.github/workflows/deploy.yml@refs/heads/main',
    repo_property_team: 'infra',
    sub: 'repo:octo-org/*',
  }
  expectTypeOf(rule).toExtend<Policy>()
  expectTypeOf<'repository_id'>().toExtend<PolicyClaimName>()
  expectTypeOf<'check_run_id'>().toExtend<PolicyClaimName>()
})

test('misspelt, unknown and numeric claims are type errors', () => {
  // @ts-expect-error a typo of repository_owner_id
  const typo: PolicyRule = { repositry_owner_id: '1342004' }
  // @ts-expect-error exp is a number checked by the verifier, not a policy key
  const expiry: PolicyRule = { exp: '1700000000' }
  // @ts-expect-error a claim GitHub added later goes through the claims predicate
  const future: PolicyRule = { deployment_id: '42' }
  expectTypeOf<string>().not.toExtend<PolicyClaimName>()
  expectTypeOf<'exp' | 'iat' | 'nbf'>().not.toExtend<PolicyClaimName>()
  void [typo, expiry, future]
})

test('matchers are strings, lists of strings or predicates on a string value', () => {
  const rule: PolicyRule = {
    ref: (value, claims) => {
      expectTypeOf(value).toEqualTypeOf<string>()
      expectTypeOf(claims).toEqualTypeOf<GitHubActionsClaims>()
      return value.startsWith('refs/tags/')
    },
    repo_property_tier: (value) => {
      expectTypeOf(value).toEqualTypeOf<string>()
      return value === 'gold'
    },
    claims: (claims) => {
      expectTypeOf(claims).toEqualTypeOf<GitHubActionsClaims>()
      return claims.check_run_id !== undefined
    },
  }
  void rule
  // @ts-expect-error IDs are strings in the token
  const number: PolicyRule = { repository_id: 957014466 }
  // @ts-expect-error a RegExp is not a matcher: globs are strings with *
  const regexp: PolicyRule = { ref: /^refs\/tags\// }
  void [number, regexp]
  expectTypeOf<readonly string[]>().toExtend<ClaimMatcher>()
})

test("'any', a rule and a list of rules are policies; pins compose by spread", () => {
  expectTypeOf<'any'>().toExtend<Policy>()
  expectTypeOf<'all'>().not.toExtend<Policy>()
  const policy: Policy = [{ ...repositoryId('1'), ...environment('prod'), ...notPullRequestTarget() }, { actor: 'x' }]
  void policy
  expectTypeOf(repositoryId).returns.toEqualTypeOf<PolicyRule>()
})
