/**
 * Realistic GitHub Actions ID token claims for common workflow shapes, copied from the shapes of
 * real tokens (shared/fixtures/github-real) and GitHub's documentation:
 * https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims
 *
 * Every value is a string, as GitHub sends them; `iss`, `aud`, `exp`, `iat`, `nbf` and `jti` are
 * added when a token is minted.
 */

/** The names of the claim presets. */
export type PresetName = 'push' | 'pull_request' | 'environment' | 'tag' | 'reusable' | 'self-hosted'

/** Claims of a preset: GitHub claim names to string values. */
export type PresetClaims = Readonly<Record<string, string>>

/** Claims passed to `mint()`: any claim name to any JSON value; `undefined` removes the claim. */
export type MockClaims = { [claim: string]: unknown }

const REPOSITORY = 'octo-org/octo-repo'
const SHA = 'd6e4c5f1a2b3c4d5e6f708192a3b4c5d6e7f8091'

const push: PresetClaims = {
  actor: 'octocat',
  actor_id: '583231',
  base_ref: '',
  check_run_id: '39512344871',
  event_name: 'push',
  head_ref: '',
  job_workflow_ref: `${REPOSITORY}/.github/workflows/ci.yml@refs/heads/main`,
  job_workflow_sha: SHA,
  ref: 'refs/heads/main',
  ref_protected: 'true',
  ref_type: 'branch',
  repository: REPOSITORY,
  repository_id: '704381219',
  repository_owner: 'octo-org',
  repository_owner_id: '84293715',
  repository_visibility: 'private',
  run_attempt: '1',
  run_id: '14144996512',
  run_number: '57',
  runner_environment: 'github-hosted',
  sha: SHA,
  sub: `repo:${REPOSITORY}:ref:refs/heads/main`,
  workflow: 'CI',
  workflow_ref: `${REPOSITORY}/.github/workflows/ci.yml@refs/heads/main`,
  workflow_sha: SHA,
}

const PR_SHA = '5c0fa1e27b9d4f3a8e6b1c2d3f4a5b6c7d8e9f01'
const SHARED_WORKFLOW_SHA = 'a8f1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7'

/**
 * Claim presets, one per workflow shape. All share the repository `octo-org/octo-repo`
 * (`repository_id` `704381219`, `repository_owner_id` `84293715`) and carry no enterprise claims.
 *
 * - `push`: push to `refs/heads/main` (protected branch) on a GitHub-hosted runner.
 * - `pull_request`: `pull_request` event on `refs/pull/42/merge`, `head_ref`/`base_ref` set, not protected,
 *   `sub` `repo:octo-org/octo-repo:pull_request`.
 * - `environment`: deployment job of environment `production`, `sub` `…:environment:production`.
 * - `tag`: push of `refs/tags/v1.2.3` (`ref_type` `tag`).
 * - `reusable`: the caller's `workflow_ref`, and a `job_workflow_ref` in `octo-org/shared-workflows`.
 * - `self-hosted`: `push`, on a self-hosted runner.
 */
export const presets: Readonly<Record<PresetName, PresetClaims>> = Object.freeze({
  push: Object.freeze(push),
  pull_request: Object.freeze({
    ...push,
    actor: 'monalisa',
    actor_id: '2145897',
    base_ref: 'main',
    event_name: 'pull_request',
    head_ref: 'feature/login',
    job_workflow_ref: `${REPOSITORY}/.github/workflows/ci.yml@refs/pull/42/merge`,
    job_workflow_sha: PR_SHA,
    ref: 'refs/pull/42/merge',
    ref_protected: 'false',
    sha: PR_SHA,
    sub: `repo:${REPOSITORY}:pull_request`,
    workflow_ref: `${REPOSITORY}/.github/workflows/ci.yml@refs/pull/42/merge`,
    workflow_sha: PR_SHA,
  }),
  environment: Object.freeze({
    ...push,
    environment: 'production',
    job_workflow_ref: `${REPOSITORY}/.github/workflows/deploy.yml@refs/heads/main`,
    sub: `repo:${REPOSITORY}:environment:production`,
    workflow: 'Deploy',
    workflow_ref: `${REPOSITORY}/.github/workflows/deploy.yml@refs/heads/main`,
  }),
  tag: Object.freeze({
    ...push,
    job_workflow_ref: `${REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.2.3`,
    ref: 'refs/tags/v1.2.3',
    ref_protected: 'false',
    ref_type: 'tag',
    sub: `repo:${REPOSITORY}:ref:refs/tags/v1.2.3`,
    workflow: 'Release',
    workflow_ref: `${REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.2.3`,
  }),
  reusable: Object.freeze({
    ...push,
    job_workflow_ref: 'octo-org/shared-workflows/.github/workflows/deploy.yml@refs/heads/main',
    job_workflow_sha: SHARED_WORKFLOW_SHA,
    workflow: 'Deploy with shared workflow',
    workflow_ref: `${REPOSITORY}/.github/workflows/deploy.yml@refs/heads/main`,
  }),
  'self-hosted': Object.freeze({ ...push, runner_environment: 'self-hosted' }),
})

/** True when `name` is one of the preset names. */
export function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && Object.hasOwn(presets, name)
}

/**
 * The preset's claims with `overrides` applied. Claims that GitHub derives from others follow the
 * overrides unless overridden themselves: `sub` (from `repository`, `environment`, `event_name`,
 * `ref`), and after a `repository` change, `repository_owner` and the workflow refs in that
 * repository. So `{ repository: 'acme/api' }` yields `sub` `repo:acme/api:ref:refs/heads/main`.
 */
export function applyOverrides(preset: PresetClaims, overrides: MockClaims): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...preset, ...overrides }
  const repository = claims.repository
  const from = preset.repository
  if (typeof repository === 'string' && from !== undefined && repository !== from) {
    if (!Object.hasOwn(overrides, 'repository_owner')) claims.repository_owner = repository.split('/')[0]
    for (const name of ['workflow_ref', 'job_workflow_ref']) {
      const ref = preset[name]
      if (!Object.hasOwn(overrides, name) && ref?.startsWith(`${from}/`)) {
        claims[name] = repository + ref.slice(from.length)
      }
    }
  }
  if (!Object.hasOwn(overrides, 'sub')) claims.sub = subjectOf(claims) ?? preset.sub
  return claims
}

/** GitHub's default `sub` format: environment first, then pull request, then the ref. */
function subjectOf(claims: Record<string, unknown>): string | undefined {
  const { repository, environment, event_name, ref } = claims
  if (typeof repository !== 'string') return undefined
  if (typeof environment === 'string' && environment !== '') return `repo:${repository}:environment:${environment}`
  if (event_name === 'pull_request') return `repo:${repository}:pull_request`
  return typeof ref === 'string' ? `repo:${repository}:ref:${ref}` : undefined
}
