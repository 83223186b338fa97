import { GitHubOidcError } from '../../src/core/errors.js'

/** The `code` of the `GitHubOidcError` a promise rejects with, or `'ok'`; anything else is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof GitHubOidcError) return error.code
    throw error
  }
  return 'ok'
}

/** The `code` of the `GitHubOidcError` a call throws, or `'ok'`; anything else is rethrown. */
export function thrownCode(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    if (error instanceof GitHubOidcError) return error.code
    throw error
  }
  return 'ok'
}
