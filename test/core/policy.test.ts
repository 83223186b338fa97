import { describe, expect, it, vi } from 'vitest'
import type { GitHubActionsClaims } from '../../src/core/claims.js'
import { allOf, type CompiledPolicy, compilePolicy } from '../../src/core/policy.js'
import { globToRegExp } from '../../src/core/policy-match.js'
import { realTokens } from '../helpers/github-real.js'

// token-1.jwt: rgl/github-actions-validate-jwt, push to main, 2025 format.
const claims = realTokens[0]!.payload as unknown as GitHubActionsClaims
const withClaims = (extra: Record<string, unknown>) => ({ ...claims, ...extra }) as GitHubActionsClaims
const without = (name: string) => {
  const copy: Record<string, unknown> = { ...claims }
  delete copy[name]
  return copy as GitHubActionsClaims
}
const evaluate = (policy: unknown, input: GitHubActionsClaims = claims) =>
  compilePolicy(policy, 'policy').evaluate(input)
const allows = (policy: unknown, input?: GitHubActionsClaims) => evaluate(policy, input) === undefined

function typeErrorOf(policy: unknown): string {
  try {
    compilePolicy(policy, 'policy')
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    return (error as Error).message
  }
  throw new Error('compilePolicy accepted the policy')
}

describe('compilePolicy: the policy itself', () => {
  it("accepts every token with 'any', written out", () => {
    const policy = compilePolicy('any', 'policy')
    expect(policy.evaluate(claims)).toBeUndefined()
    expect(Object.isFrozen(policy)).toBe(true)
  })

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty list', []],
    ['an empty string', ''],
    ['another string', 'all'],
    ['a number', 1342004],
    ['true', true],
    ['a function', () => true],
    ['a RegExp', /rgl/],
    ['a Map', new Map([['repository', 'rgl/x']])],
    ['a list holding an empty object', [{ repository_id: '957014466' }, {}]],
    ['a list holding a string', ['rgl/github-actions-validate-jwt']],
    ["a list holding 'any'", ['any']],
    ['a list with a hole', Object.assign(new Array(2), { 1: { repository_id: '957014466' } })],
  ])('rejects %s, naming the option and saying what to write', (_, policy) => {
    const message = typeErrorOf(policy)
    expect(message).toMatch(/^options\.policy(\[\d\])?: /)
    expect(message).toMatch(/repository_owner_id|'any'/)
  })

  it('names the list element that is wrong', () => {
    expect(typeErrorOf([{ repository_id: '1' }, {}])).toMatch(/^options\.policy\[1\]: an empty object/)
    expect(typeErrorOf([{ repository_id: '1' }, { ref: 1 }])).toMatch(/^options\.policy\[1\]\.ref: got a number/)
  })

  it('uses the option name it is given', () => {
    expect(() => compilePolicy({}, 'tenants.acme.policy')).toThrow(/^options\.tenants\.acme\.policy: /)
  })
})

describe('compilePolicy: keys', () => {
  it('rejects a misspelt claim name and suggests the right one', () => {
    const message = typeErrorOf({ repositry_owner_id: '43356' })
    expect(message).toMatch(
      /^options\.policy\.repositry_owner_id: unknown claim \(did you mean repository_owner_id\?\)/,
    )
    expect(message).toContain('{ claims: (claims) => … }')
    expect(message).not.toContain('43356')
  })

  it('rejects an unknown claim without a near name, pointing to the claims predicate', () => {
    expect(typeErrorOf({ deployment_id: '7' })).toMatch(
      /^options\.policy\.deployment_id: unknown claim; .*claims: \(claims\)/,
    )
  })

  it.each(['exp', 'iat', 'nbf'])('rejects the numeric time claim %s', (name) => {
    expect(typeErrorOf({ [name]: '1' })).toMatch(new RegExp(`^options\\.policy\\.${name}: a numeric time claim`))
  })

  it('rejects prototype keys written in JSON, which are own properties there', () => {
    expect(typeErrorOf(JSON.parse('{"__proto__": "x", "repository_id": "957014466"}'))).toMatch(
      /^options\.policy\.__proto__: unknown claim/,
    )
    expect(typeErrorOf({ constructor: 'Object' })).toMatch(/^options\.policy\.constructor: unknown claim/)
  })

  it('rejects an object whose prototype was swapped by a __proto__ literal', () => {
    expect(typeErrorOf({ __proto__: { repository_id: '957014466' } })).toMatch(/^options\.policy: .* is not a policy/)
  })

  it('accepts repo_property_<name> keys but not a bare repo_property_', () => {
    expect(allows({ repo_property_team: 'infra' }, withClaims({ repo_property_team: 'infra' }))).toBe(true)
    expect(allows({ repo_property_team: 'infra' }, withClaims({ repo_property_team: 'web' }))).toBe(false)
    expect(typeErrorOf({ repo_property_: 'x' })).toMatch(/^options\.policy\.repo_property_: unknown claim/)
  })

  it('accepts every documented string claim, sub and job_workflow_sha included', () => {
    expect(allows({ sub: 'repo:rgl/github-actions-validate-jwt:ref:refs/heads/main' })).toBe(true)
    expect(allows({ job_workflow_sha: '0f661a4a011d77cb21fa4dc7013d9b6f928666ed', run_attempt: '1' })).toBe(true)
  })
})

describe('compilePolicy: matcher types', () => {
  it.each([
    ['a number', 957014466, /got a number; expected a non-empty string \(claims are strings, IDs too\)/],
    ['a boolean', true, /got a boolean/],
    ['undefined (an unset variable)', undefined, /got undefined/],
    ['null', null, /got null/],
    ['an object', { equals: 'x' }, /got an object/],
    ['a RegExp', /^957/, /got a RegExp object/],
    ['an empty string', '', /got an empty string/],
    ['an empty list', [], /got an empty list/],
    ['a list with a number', ['957014466', 1], /got a list containing a non-string/],
    ['a list with an empty string', ['957014466', ''], /got a list containing a non-string or empty string/],
  ])('rejects %s, naming options.policy.<claim>', (_, matcher, message) => {
    expect(typeErrorOf({ repository_id: matcher })).toMatch(/^options\.policy\.repository_id: /)
    expect(typeErrorOf({ repository_id: matcher })).toMatch(message)
  })

  it('rejects a claims escape hatch that is not a function', () => {
    expect(typeErrorOf({ claims: 'x' })).toMatch(/^options\.policy\.claims: must be a predicate/)
  })
})

describe('compilePolicy: matching', () => {
  it('matches an exact string and explains a mismatch with both values', () => {
    expect(allows({ repository_owner_id: '43356' })).toBe(true)
    expect(evaluate({ repository_owner_id: '1342004' })).toBe('repository_owner_id is "43356", expected "1342004"')
  })

  it('matches any string of a list', () => {
    expect(allows({ repository_id: ['1', '957014466'] })).toBe(true)
    expect(evaluate({ repository_id: ['1', '2'] })).toBe('repository_id is "957014466", expected one of "1", "2"')
  })

  it('matches a glob anchored at both ends', () => {
    expect(allows({ repository: 'rgl/*' })).toBe(true)
    expect(allows({ repository_owner: 'octo-*' }, withClaims({ repository_owner: 'octo-org' }))).toBe(true)
    expect(allows({ repository_owner: 'octo-*' }, withClaims({ repository_owner: 'xocto-a' }))).toBe(false)
    expect(allows({ ref: 'refs/heads/*' }, withClaims({ ref: 'refs/tags/refs/heads/x' }))).toBe(false)
    expect(allows({ ref: '*/main' }, withClaims({ ref: 'refs/heads/main-x' }))).toBe(false)
  })

  it('lets * match an empty run and runs that cross /', () => {
    expect(allows({ ref: 'refs/heads/main*' })).toBe(true)
    expect(allows({ job_workflow_ref: 'rgl/*@refs/heads/main' })).toBe(true)
    expect(allows({ ref: 'refs/*' }, withClaims({ ref: 'refs/heads/feature/a/b' }))).toBe(true)
    expect(allows({ ref: 'refs/*/a*b*c' }, withClaims({ ref: 'refs/x/ab/bc/c' }))).toBe(true)
    expect(allows({ ref: 'refs/*/a*b*c' }, withClaims({ ref: 'refs/x/ac/cb' }))).toBe(false)
  })

  it.each([
    ['.', 'v1.2', 'v1x2'],
    ['+', 'a+*', 'aa'],
    ['(', '(x)*', 'x'],
    ['[', '[ab]*', 'a'],
    ['?', 'a?*', 'ab'],
    ['\\', 'a\\d*', 'a1'],
    ['$ and ^', '^a$*', 'a'],
    ['| and {', 'a|b{2}*', 'bb'],
  ])('treats the regex metacharacter %s as a literal', (_, pattern, lookalike) => {
    expect(allows({ ref: pattern }, withClaims({ ref: pattern }))).toBe(true)
    expect(allows({ ref: pattern }, withClaims({ ref: lookalike }))).toBe(false)
  })

  it('matches a glob in a list, next to exact strings', () => {
    expect(allows({ ref: ['refs/heads/dev', 'refs/tags/v*'] }, withClaims({ ref: 'refs/tags/v2.0.0' }))).toBe(true)
    expect(allows({ ref: ['refs/heads/dev', 'refs/tags/v*'] })).toBe(false)
  })

  it('matches a glob of inner stars in linear time on a hostile value (no ReDoS)', () => {
    const hostile = withClaims({ ref: `refs/heads/${'a'.repeat(50_000)}` })
    expect(allows({ ref: 'refs/*a*a*a*a*a*a*a*a*b' }, hostile)).toBe(false)
    expect(allows({ ref: 'refs/*a*a*a*a*a*a*a*a*' }, hostile)).toBe(true)
    expect(globToRegExp('a*b*c', false).source).toBe('^a(?=(.*?b))\\1.*c$')
  })

  it('compares repository, repository_owner, environment and actor case-insensitively', () => {
    expect(allows({ repository: 'RGL/GitHub-Actions-Validate-JWT' })).toBe(true)
    expect(allows({ repository_owner: ['nobody', 'RGL'] })).toBe(true)
    expect(allows({ repository_owner: 'R*' })).toBe(true)
    expect(allows({ actor: 'Rgl' })).toBe(true)
    expect(allows({ environment: 'production' }, withClaims({ environment: 'Production' }))).toBe(true)
    expect(evaluate({ repository_owner: 'octo' })).toBe('repository_owner is "rgl", expected "octo" (case-insensitive)')
  })

  it('does not fold a non-ASCII lookalike into ASCII (Kelvin sign K)', () => {
    expect(allows({ repository_owner: 'rgk' }, withClaims({ repository_owner: 'rg\u212A' }))).toBe(false)
  })

  it('compares every other claim exactly', () => {
    expect(allows({ ref: 'refs/heads/Main' })).toBe(false)
    expect(allows({ job_workflow_ref: 'RGL/*' })).toBe(false)
    expect(allows({ repository_visibility: 'Public' })).toBe(false)
    expect(allows({ sub: 'repo:RGL/*' })).toBe(false)
  })

  it('requires every matcher of an object (AND) and reports the first that fails', () => {
    expect(allows({ repository_owner_id: '43356', ref: 'refs/heads/main', event_name: 'push' })).toBe(true)
    expect(evaluate({ repository_owner_id: '43356', ref: 'refs/heads/dev', event_name: 'pull' })).toBe(
      'ref is "refs/heads/main", expected "refs/heads/dev"',
    )
  })

  it('requires one object of a list (OR) and reports why each was denied', () => {
    expect(allows([{ repository_id: '1' }, { repository_id: '957014466' }])).toBe(true)
    expect(evaluate([{ repository_id: '1' }, { environment: 'prod' }])).toBe(
      'rule[0]: repository_id is "957014466", expected "1"; rule[1]: environment is missing, expected "prod" (case-insensitive)',
    )
  })

  it('never matches a missing claim, whatever the matcher', () => {
    const noEnvironment = without('environment')
    expect(allows({ environment: '*' }, noEnvironment)).toBe(false)
    expect(allows({ environment: ['*'] }, noEnvironment)).toBe(false)
    expect(allows({ base_ref: '*' })).toBe(true)
  })

  it('never matches a claim that is not a string', () => {
    expect(evaluate({ run_id: '*' }, withClaims({ run_id: 14144996512 }))).toBe('run_id is not a string, expected "*"')
    expect(allows({ repo_property_teams: '*' }, withClaims({ repo_property_teams: ['a'] }))).toBe(false)
  })

  it('never reads a claim from the prototype chain', () => {
    const inherited = Object.assign(Object.create({ environment: 'prod', repo_property_x: 'y' }), claims)
    expect(allows({ environment: 'prod' }, inherited)).toBe(false)
    expect(allows({ repo_property_x: 'y' }, inherited)).toBe(false)
    expect(evaluate({ repo_property_x: (value: string) => value !== '' }, inherited)).toBe(
      'repo_property_x is missing, never matches',
    )
  })

  it('denies input that is not an object rather than throwing', () => {
    const policy = compilePolicy({ repository_id: '957014466' }, 'policy')
    expect(policy.evaluate(null as unknown as GitHubActionsClaims)).toBe('the claims are not an object')
  })

  it('copies list matchers at compile time, so later edits change nothing', () => {
    const ids = ['957014466']
    const policy = compilePolicy({ repository_id: ids }, 'policy')
    ids[0] = '1'
    expect(policy.evaluate(claims)).toBeUndefined()
  })
})

describe('compilePolicy: predicates', () => {
  it('passes the claim value and all claims', () => {
    const predicate = vi.fn((value: string, all: GitHubActionsClaims) => value === 'push' && all.actor === 'rgl')
    expect(allows({ event_name: predicate })).toBe(true)
    expect(predicate).toHaveBeenCalledWith('push', claims)
  })

  it('is never called for a missing claim', () => {
    const predicate = vi.fn(() => true)
    expect(evaluate({ environment: predicate })).toBe('environment is missing, never matches')
    expect(predicate).not.toHaveBeenCalled()
  })

  it('denies on false and names the predicate', () => {
    const isMain = (value: string) => value === 'refs/heads/dev'
    expect(evaluate({ ref: isMain })).toBe('ref is "refs/heads/main", rejected by predicate isMain')
  })

  it('denies a truthy value that is not true, and a Promise', () => {
    expect(evaluate({ ref: (() => 1) as unknown as () => boolean })).toBe(
      'ref is "refs/heads/main", the predicate returned number, not true',
    )
    expect(evaluate({ ref: (async () => true) as unknown as () => boolean })).toMatch(
      /returned a Promise \(predicates must be synchronous\)$/,
    )
  })

  it('denies when it throws, with the error message in the reason', () => {
    const reason = evaluate({
      ref: () => {
        throw new Error('lookup table not loaded')
      },
    })
    expect(reason).toBe('ref is "refs/heads/main", the predicate threw: lookup table not loaded')
    expect(
      evaluate({
        ref: () => {
          throw 'plain'
        },
      }),
    ).toMatch(/threw: plain$/)
  })

  it('lets a later rule allow after a predicate denied an earlier one', () => {
    expect(allows([{ ref: () => false }, { repository_id: '957014466' }])).toBe(true)
  })

  it('calls each predicate once per evaluation, also when explaining a denial', () => {
    const predicate = vi.fn(() => false)
    evaluate([{ ref: predicate }, { ref: predicate }])
    expect(predicate).toHaveBeenCalledTimes(2)
  })

  it('offers a claims predicate for claims GitHub adds later', () => {
    const future = withClaims({ deployment_id: '42' })
    expect(
      allows({ repository_id: '957014466', claims: (all: GitHubActionsClaims) => all.deployment_id === '42' }, future),
    ).toBe(true)
    expect(evaluate({ claims: (all: GitHubActionsClaims) => all.deployment_id === '42' })).toBe(
      'claims, rejected by the predicate',
    )
    const throwing = () => {
      throw new TypeError('boom')
    }
    expect(evaluate({ claims: throwing })).toBe('claims, predicate throwing threw: boom')
  })
})

describe('allOf', () => {
  const owner = compilePolicy({ repository_owner_id: '43356' }, 'policy')
  const main = compilePolicy({ ref: 'refs/heads/main' }, 'policy')
  const dev = compilePolicy({ ref: 'refs/heads/dev' }, 'policy')
  const hosted = compilePolicy({ runner_environment: 'self-hosted' }, 'policy')

  it('allows only what every policy allows', () => {
    expect(allOf(owner, main).evaluate(claims)).toBeUndefined()
    expect(allOf(owner, dev).evaluate(claims)).toBe('ref is "refs/heads/main", expected "refs/heads/dev"')
  })

  it('reports the first denial', () => {
    expect(allOf(hosted, dev).evaluate(claims)).toMatch(/^runner_environment/)
    expect(allOf(dev, hosted).evaluate(claims)).toMatch(/^ref/)
  })

  it("treats 'any' as neutral and returns a frozen policy", () => {
    const any = compilePolicy('any', 'policy')
    expect(allOf(any, dev).evaluate(claims)).toMatch(/^ref/)
    expect(allOf(any, any).evaluate(claims)).toBeUndefined()
    expect(Object.isFrozen(allOf(owner, main))).toBe(true)
  })

  it('rejects no policy and things that are not compiled policies', () => {
    expect(() => allOf()).toThrow(TypeError)
    expect(() => allOf(owner, { repository_id: '1' } as unknown as CompiledPolicy)).toThrow(
      /^allOf\(\): argument 1 is not a compiled policy/,
    )
  })
})
