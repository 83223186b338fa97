import type { GitHubActionsClaims } from './claims.js'

/** Matchers and messages of compiled policies (policy.ts): globs, string lists, denial reasons. */

export function compileStrings(patterns: readonly string[], caseInsensitive: boolean): (value: string) => boolean {
  const exact = new Set<string>()
  const globs: RegExp[] = []
  for (const pattern of patterns) {
    if (!caseInsensitive && !pattern.includes('*')) exact.add(pattern)
    else globs.push(globToRegExp(pattern, caseInsensitive))
  }
  const [only] = exact
  if (globs.length === 0 && exact.size === 1) return (value) => value === only
  return (value) => {
    if (exact.has(value)) return true
    for (let index = 0; index < globs.length; index++) if (globs[index]!.test(value)) return true
    return false
  }
}

/**
 * `a*b*c` becomes `^a(?=(.*?b))\1.*c$`: every inner segment is found at its first occurrence
 * inside an atomic lookahead (which is enough for `*`-only globs), so matching stays linear
 * instead of backtracking through every split of a hostile claim value (ReDoS). No `u` flag: with
 * `i`, non-ASCII characters never fold to ASCII ones (the Kelvin sign does not match `k`).
 */
export function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
  let source = `^${parts[0]}`
  let group = 0
  for (let index = 1; index < parts.length - 1; index++) {
    if (parts[index] !== '') source += `(?=(.*?${parts[index]}))\\${++group}`
  }
  if (parts.length > 1) source += `.*${parts.at(-1)}`
  return new RegExp(`${source}$`, caseInsensitive ? 'is' : 's')
}

export function describeClaim(claims: GitHubActionsClaims, name: string): string {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined
  if (value === undefined) return `${name} is missing`
  if (typeof value !== 'string') return `${name} is not a string`
  return `${name} is ${JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)}`
}

export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return typeof error
  }
}

export function describe(value: unknown): string {
  if (value === '') return 'an empty string'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : 'a list containing a non-string or empty string'
  if (value === null || typeof value !== 'object')
    return value === null || value === undefined ? String(value) : `a ${typeof value}`
  return isPlainObject(value) ? 'an object' : `a ${value.constructor?.name ?? 'non-plain'} object`
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}

/** Levenshtein distance, for "did you mean" on a misspelt claim name. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
