import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIssuer, isPresetName, type MockIssuer, presets } from '../../src/testing/index.js'

let mock: MockIssuer

beforeAll(async () => {
  mock = await createMockIssuer()
})
afterAll(() => mock.close())

const mintPreset = (preset: keyof typeof presets) => decodeJwt(mock.mint({}, { preset }))

describe('presets', () => {
  it('mint a push to the protected main branch on a GitHub-hosted runner by default', () => {
    expect(decodeJwt(mock.mint())).toMatchObject({
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      event_name: 'push',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      ref_protected: 'true',
      runner_environment: 'github-hosted',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
    })
    for (const id of ['repository_id', 'repository_owner_id', 'actor_id', 'run_id', 'check_run_id']) {
      expect(presets.push[id]).toMatch(/^[1-9][0-9]{4,}$/)
    }
    expect(presets.push.job_workflow_sha).toMatch(/^[0-9a-f]{40}$/)
  })

  it('mint a pull request on its merge ref, unprotected, with head and base refs', () => {
    expect(mintPreset('pull_request')).toMatchObject({
      sub: 'repo:octo-org/octo-repo:pull_request',
      event_name: 'pull_request',
      ref: 'refs/pull/42/merge',
      head_ref: 'feature/login',
      base_ref: 'main',
      ref_protected: 'false',
    })
  })

  it('mint a deployment to the production environment', () => {
    expect(mintPreset('environment')).toMatchObject({
      sub: 'repo:octo-org/octo-repo:environment:production',
      environment: 'production',
      ref: 'refs/heads/main',
    })
    expect(mintPreset('push')).not.toHaveProperty('environment')
  })

  it('mint a tag push', () => {
    expect(mintPreset('tag')).toMatchObject({
      sub: 'repo:octo-org/octo-repo:ref:refs/tags/v1.2.3',
      ref: 'refs/tags/v1.2.3',
      ref_type: 'tag',
    })
  })

  it('mint a reusable workflow run from another repository, called by this one', () => {
    const claims = mintPreset('reusable')
    expect(claims).toMatchObject({
      job_workflow_ref: 'octo-org/shared-workflows/.github/workflows/deploy.yml@refs/heads/main',
      workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      repository: 'octo-org/octo-repo',
    })
    expect(claims.job_workflow_sha).not.toBe(claims.workflow_sha)
  })

  it('keep a reusable workflow in its own repository when the caller’s repository is overridden', () => {
    const claims = decodeJwt(mock.mint({ repository: 'acme/app' }, { preset: 'reusable' }))
    expect(claims.job_workflow_ref).toBe('octo-org/shared-workflows/.github/workflows/deploy.yml@refs/heads/main')
    expect(claims.workflow_ref).toBe('acme/app/.github/workflows/deploy.yml@refs/heads/main')
  })

  it('mint a self-hosted runner job', () => {
    expect(mintPreset('self-hosted')).toMatchObject({ runner_environment: 'self-hosted', event_name: 'push' })
  })

  it('are frozen, all strings, and named by isPresetName', () => {
    expect(Object.keys(presets)).toEqual(['push', 'pull_request', 'environment', 'tag', 'reusable', 'self-hosted'])
    for (const [name, claims] of Object.entries(presets)) {
      expect(isPresetName(name)).toBe(true)
      expect(Object.isFrozen(claims)).toBe(true)
      expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true)
    }
    expect(Object.isFrozen(presets)).toBe(true)
    expect(isPresetName('toString')).toBe(false)
    expect(isPresetName(undefined)).toBe(false)
  })
})
