import { describe, expect, it } from 'vitest'
import type { GitHubActionsClaims } from '../../src/core/claims.js'
import {
  callerWorkflow,
  environment,
  githubHostedRunner,
  notPullRequestTarget,
  ownerId,
  protectedRef,
  ref,
  repositoryId,
  workflowFile,
} from '../../src/core/pins.js'
import { compilePolicy, type Policy } from '../../src/core/policy.js'
import { realTokens } from '../helpers/github-real.js'

// token-1.jwt: rgl/github-actions-validate-jwt, push to main on a GitHub-hosted runner (2025).
const claims = realTokens[0]!.payload as unknown as GitHubActionsClaims
// token-9.jwt: the 2022 format, without ref_protected, workflow_ref or runner_environment.
const claims2022 = realTokens[2]!.payload as unknown as GitHubActionsClaims
const withClaims = (extra: Record<string, unknown>) => ({ ...claims, ...extra }) as GitHubActionsClaims
const evaluate = (policy: Policy, input: GitHubActionsClaims = claims) =>
  compilePolicy(policy, 'policy').evaluate(input)

const SELF = 'rgl/github-actions-validate-jwt/.github/workflows/build.yml'
// A job of `deploy.yml` in the caller's repository that calls a central reusable workflow.
const reusable = withClaims({
  workflow_ref: 'rgl/github-actions-validate-jwt/.github/workflows/deploy.yml@refs/heads/main',
  job_workflow_ref: 'rgl/shared-workflows/.github/workflows/deploy.yml@refs/tags/v3',
})

describe('repositoryId and ownerId', () => {
  it('pin the immutable ids', () => {
    expect(repositoryId('957014466')).toEqual({ repository_id: ['957014466'] })
    expect(evaluate(repositoryId('957014466'))).toBeUndefined()
    expect(evaluate(repositoryId(['1', '957014466']))).toBeUndefined()
    expect(evaluate(ownerId('43356'))).toBeUndefined()
    expect(evaluate(ownerId('1342004'))).toBe('repository_owner_id is "43356", expected "1342004"')
  })

  it('keep denying a re-registered name: same repository name, new id', () => {
    const squatter = withClaims({ repository_id: '999999999', repository_owner_id: '777' })
    expect(evaluate({ ...ownerId('43356'), ...repositoryId('957014466') }, squatter)).toMatch(/^repository_owner_id/)
  })

  it.each([
    ['a name', 'rgl/github-actions-validate-jwt'],
    ['a login', 'rgl'],
    ['a glob', '957*'],
    ['a leading zero', '0957014466'],
    ['an empty string', ''],
  ])('reject %s', (_, id) => {
    expect(() => repositoryId(id)).toThrow(TypeError)
    expect(() => ownerId(id)).toThrow(/^ownerId\(\): /)
  })

  it('reject an empty list and a non-string', () => {
    expect(() => repositoryId([])).toThrow(/^repositoryId\(\): expected a non-empty string/)
    expect(() => ownerId([43356] as unknown as string[])).toThrow(/^ownerId\(\): expected a non-empty string/)
  })
})

describe('workflowFile and callerWorkflow', () => {
  it('pin the running workflow file and ref', () => {
    expect(evaluate(workflowFile(`${SELF}@refs/heads/main`))).toBeUndefined()
    expect(evaluate(workflowFile(`${SELF}@*`))).toBeUndefined()
    expect(evaluate(workflowFile(`${SELF}@refs/tags/v*`))).toMatch(/^job_workflow_ref is/)
    expect(evaluate(callerWorkflow(`${SELF}@refs/heads/main`))).toBeUndefined()
  })

  it('follow reusable-workflow semantics: job_workflow_ref is the called workflow', () => {
    const central = 'rgl/shared-workflows/.github/workflows/deploy.yml@refs/tags/v3'
    expect(evaluate(workflowFile(central), reusable)).toBeUndefined()
    expect(evaluate(callerWorkflow(central), reusable)).toMatch(/^workflow_ref is/)
    expect(evaluate(callerWorkflow('rgl/github-actions-validate-jwt/.github/workflows/deploy.yml@*'), reusable)).toBe(
      undefined,
    )
  })

  it('deny a token without workflow_ref (2022 format)', () => {
    expect(evaluate(callerWorkflow(`${SELF}@*`), claims2022)).toMatch(/^workflow_ref is missing/)
  })

  it.each([
    ['no ref', SELF],
    ['a bare file name', 'build.yml@refs/heads/main'],
    ['a glob in the path', 'rgl/*/.github/workflows/build.yml@refs/heads/main'],
    ['a glob in the file name', 'rgl/x/.github/workflows/*.yml@refs/heads/main'],
    ['another directory', 'rgl/x/workflows/build.yml@refs/heads/main'],
    ['an empty ref', `${SELF}@`],
    ['a non-YAML file', 'rgl/x/.github/workflows/build.json@refs/heads/main'],
  ])('reject %s', (_, value) => {
    expect(() => workflowFile(value)).toThrow(/^workflowFile\(\): ".*" must be owner\/repo\/\.github\/workflows\//)
    expect(() => callerWorkflow(value)).toThrow(/^callerWorkflow\(\): /)
  })
})

describe('environment', () => {
  it('requires one of the environments, case-insensitively', () => {
    const deployed = withClaims({ environment: 'Production' })
    expect(evaluate(environment('production'), deployed)).toBeUndefined()
    expect(evaluate(environment(['staging', 'production']), deployed)).toBeUndefined()
    expect(evaluate(environment('production'))).toBe('environment is missing, expected "production" (case-insensitive)')
  })

  it('composes with an id pin by spread (AND)', () => {
    const policy = { ...repositoryId('957014466'), ...environment('production') }
    expect(evaluate(policy, withClaims({ environment: 'production' }))).toBeUndefined()
    expect(evaluate(policy, withClaims({ environment: 'production', repository_id: '1' }))).toMatch(/^repository_id/)
  })

  it('rejects an empty name', () => {
    expect(() => environment('')).toThrow(/^environment\(\): /)
  })
})

describe('protectedRef and ref', () => {
  it('protectedRef compares the string "true"', () => {
    expect(protectedRef()).toEqual({ ref_protected: 'true' })
    expect(evaluate(protectedRef())).toBe('ref_protected is "false", expected "true"')
    expect(evaluate(protectedRef(), withClaims({ ref_protected: 'true' }))).toBeUndefined()
    expect(evaluate(protectedRef(), withClaims({ ref_protected: true }))).toMatch(/is not a string/)
    expect(evaluate(protectedRef(), claims2022)).toMatch(/^ref_protected is missing/)
  })

  it('ref pins full refs, globs included', () => {
    expect(evaluate(ref('refs/heads/main'))).toBeUndefined()
    expect(evaluate(ref(['refs/tags/v*']), withClaims({ ref: 'refs/tags/v1.2.3' }))).toBeUndefined()
    expect(evaluate(ref('refs/tags/v*'))).toMatch(/^ref is "refs\/heads\/main"/)
  })

  it('ref rejects a short branch name', () => {
    expect(() => ref('main')).toThrow(/^ref\(\): "main" is not a full ref; write refs\/heads\/…/)
  })
})

describe('githubHostedRunner', () => {
  it('allows GitHub-hosted runners only', () => {
    expect(evaluate(githubHostedRunner())).toBeUndefined()
    expect(evaluate(githubHostedRunner(), withClaims({ runner_environment: 'self-hosted' }))).toBe(
      'runner_environment is "self-hosted", expected "github-hosted"',
    )
    expect(evaluate(githubHostedRunner(), claims2022)).toMatch(/^runner_environment is missing/)
  })
})

describe('notPullRequestTarget', () => {
  it('denies pull_request_target and allows other events', () => {
    expect(evaluate(notPullRequestTarget())).toBeUndefined()
    expect(evaluate(notPullRequestTarget(), withClaims({ event_name: 'pull_request' }))).toBeUndefined()
    expect(evaluate(notPullRequestTarget(), withClaims({ event_name: 'pull_request_target' }))).toBe(
      'event_name is "pull_request_target", rejected by predicate isNotPullRequestTarget',
    )
  })

  it('denies a token without event_name', () => {
    const { event_name: _, ...rest } = claims
    expect(evaluate(notPullRequestTarget(), rest as GitHubActionsClaims)).toBe('event_name is missing, never matches')
  })
})

describe('all pins together', () => {
  it('allow the real token and deny each deviation', () => {
    const policy = [
      {
        ...ownerId('43356'),
        ...repositoryId('957014466'),
        ...workflowFile(`${SELF}@refs/heads/main`),
        ...ref('refs/heads/main'),
        ...githubHostedRunner(),
        ...notPullRequestTarget(),
      },
      { ...repositoryId('1'), ...environment('prod'), ...protectedRef() },
    ]
    expect(evaluate(policy)).toBeUndefined()
    expect(evaluate(policy, withClaims({ runner_environment: 'self-hosted' }))).toBe(
      'rule[0]: runner_environment is "self-hosted", expected "github-hosted"; ' +
        'rule[1]: repository_id is "957014466", expected "1"',
    )
  })
})
