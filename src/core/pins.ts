import type { PolicyRule } from './policy.js'

/*
 * Helpers for the pins GitHub recommends (DESIGN §4). Each returns a plain `PolicyRule`, so they
 * compose with spread: `{ ...repositoryId('957014466'), ...environment('production') }` (all must
 * hold). A later spread of the same claim replaces the earlier one. Arguments are validated here,
 * and again by `compilePolicy`.
 * @see https://docs.github.com/en/actions/concepts/security/openid-connect
 */

/**
 * Pins the repository by its immutable numeric id (`repository_id`), e.g. `'957014466'`.
 *
 * Recommended over `repository: 'owner/name'`: when an owner or a repository is renamed or
 * deleted, the old name becomes free, and someone else can register it and mint tokens whose
 * `repository` claim is the name you trusted. The id never moves to another repository. Find it
 * with `gh api repos/OWNER/REPO --jq .id`.
 * @see https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims
 */
export function repositoryId(id: string | readonly string[]): PolicyRule {
  return { repository_id: ids(id, 'repositoryId') }
}

/**
 * Pins the owner (user or organization) by its immutable numeric id (`repository_owner_id`),
 * e.g. `'1342004'`: every repository of that owner may call.
 *
 * Recommended over `repository_owner: 'name'`: a renamed or deleted account frees its login, and
 * whoever registers it next gets tokens with the same `repository_owner`. Find the id with
 * `gh api users/LOGIN --jq .id`. (GitHub now embeds both ids in `sub` for the same reason.)
 * @see https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims
 */
export function ownerId(id: string | readonly string[]): PolicyRule {
  return { repository_owner_id: ids(id, 'ownerId') }
}

/**
 * Pins the workflow file whose job is running (`job_workflow_ref`), written
 * `owner/repo/.github/workflows/file.yml@ref` (`@refs/heads/main`, `@refs/tags/v1`, a commit SHA,
 * or `@*` for any ref; `*` only in the ref part, where it may end a prefix: `@refs/tags/v*`).
 *
 * For a job that calls a reusable workflow, `job_workflow_ref` is the CALLED (reusable) workflow,
 * while `workflow_ref` is the caller's top-level workflow. Pinning the reusable workflow lets a
 * central, reviewed deploy workflow be the only code that can obtain access, whichever repository
 * calls it (combine with `ownerId` to restrict the callers). Compared exactly: owner and repository
 * are spelled as GitHub spells them in the token.
 * @see https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/using-openid-connect-with-reusable-workflows
 */
export function workflowFile(ref: string | readonly string[]): PolicyRule {
  return { job_workflow_ref: workflowRefs(ref, 'workflowFile') }
}

/**
 * Pins the top-level workflow of the run (`workflow_ref`), same syntax as `workflowFile`. For a
 * reusable workflow this is the caller's workflow, not the reusable one: use it to allow a
 * specific caller, and `workflowFile` to allow a specific reusable workflow.
 */
export function callerWorkflow(ref: string | readonly string[]): PolicyRule {
  return { workflow_ref: workflowRefs(ref, 'callerWorkflow') }
}

/**
 * Requires the job to run in one of these GitHub environments (`environment`, compared
 * case-insensitively as GitHub does). Environments carry protection rules (required reviewers,
 * wait timers, allowed branches) that GitHub enforces before the job gets its token; pin them in
 * combination with the repository id, since any repository can create an environment of any name.
 * @see https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment
 */
export function environment(name: string | readonly string[]): PolicyRule {
  return { environment: strings(name, 'environment') }
}

/**
 * Requires a protected branch or tag (`ref_protected` is the string `"true"`): code reached the ref
 * only through its protection rules (reviews, status checks). Tokens from 2022 lack the claim and
 * are denied.
 */
export function protectedRef(): PolicyRule {
  return { ref_protected: 'true' }
}

/**
 * Pins the git ref that triggered the run (`ref`), e.g. `'refs/heads/main'` or `'refs/tags/v*'`.
 * A short name such as `'main'` is rejected: the claim is always a full ref.
 */
export function ref(name: string | readonly string[]): PolicyRule {
  const refs = strings(name, 'ref')
  for (const value of refs) {
    if (!value.startsWith('refs/')) throw new TypeError(`ref(): "${value}" is not a full ref; write refs/heads/…`)
  }
  return { ref: refs }
}

/**
 * Requires a GitHub-hosted runner (`runner_environment: 'github-hosted'`): a fresh VM per job.
 * Self-hosted runners may be shared between repositories or persist state, so a compromised job
 * there can read another job's token. Tokens from 2022 lack the claim and are denied.
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#hardening-for-self-hosted-runners
 */
export function githubHostedRunner(): PolicyRule {
  return { runner_environment: 'github-hosted' }
}

/**
 * Denies runs triggered by `pull_request_target`: they run with the base repository's privileges
 * (and its OIDC permission) while often checking out code a fork controls.
 *
 * A token without `event_name` is denied too (a missing claim never matches); every documented
 * token format carries it.
 * @see https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/
 */
export function notPullRequestTarget(): PolicyRule {
  return { event_name: isNotPullRequestTarget }
}

function isNotPullRequestTarget(eventName: string): boolean {
  return eventName !== 'pull_request_target'
}

const WORKFLOW_REF = /^[^/@*\s]+\/[^/@*\s]+\/\.github\/workflows\/[^@*\s]+\.ya?ml@\S+$/

function workflowRefs(value: string | readonly string[], helper: string): readonly string[] {
  const refs = strings(value, helper)
  for (const workflowRef of refs) {
    if (!WORKFLOW_REF.test(workflowRef)) {
      throw new TypeError(
        `${helper}(): "${workflowRef}" must be owner/repo/.github/workflows/file.yml@ref (ref such as refs/heads/main, or *)`,
      )
    }
  }
  return refs
}

function ids(value: string | readonly string[], helper: string): readonly string[] {
  const list = strings(value, helper)
  for (const id of list) {
    if (!/^[1-9][0-9]*$/.test(id)) throw new TypeError(`${helper}(): "${id}" is not a numeric id such as '1342004'`)
  }
  return list
}

function strings(value: string | readonly string[], helper: string): readonly string[] {
  const list: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? Array.from(value) : []
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`${helper}(): expected a non-empty string or a non-empty list of them`)
  }
  return Object.freeze(list as string[])
}
