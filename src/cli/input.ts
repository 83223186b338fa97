import { readFile } from 'node:fs/promises'
import type { PolicyRule } from '../index.js'
import type { Args } from './command.js'
import { type CliIo, UsageError } from './io.js'

/** GitHub's tokens are 1–3 KiB and the verifier refuses anything over 16 KiB; stdin is not read beyond this. */
const MAX_STDIN_BYTES = 64 * 1024

/**
 * The token argument: the token itself, or `-` for stdin (so it stays out of `ps` and shell
 * history). A pasted `Authorization: Bearer …` line, as `github-oidc header` prints it, is accepted.
 */
export async function readTokenArgument(argument: string, io: CliIo): Promise<string> {
  const text = argument === '-' ? await readStdin(io) : argument
  const token = text
    .trim()
    .replace(/^authorization:\s*/i, '')
    .replace(/^bearer\s+/i, '')
  if (token === '') throw new UsageError(argument === '-' ? 'no token on stdin' : 'the token argument is empty')
  return token
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin === undefined) throw new UsageError('`-` reads the token from stdin, but there is no stdin')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)
    size += bytes.length
    if (size > MAX_STDIN_BYTES) throw new UsageError(`stdin holds more than ${MAX_STDIN_BYTES} bytes: not a token`)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** `--at`: an ISO 8601 date (`2025-03-29T14:00:00Z`) or seconds since the epoch. Milliseconds since the epoch. */
export function parseTime(value: string, option = '--at'): number {
  let ms = Number.NaN
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000
  else if (/^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value)
  if (!Number.isFinite(ms)) {
    throw new UsageError(`${option}: "${value}" is neither an ISO date (2025-03-29T14:00:00Z) nor epoch seconds`)
  }
  return ms
}

/**
 * `--policy-claim name=value`, repeatable: different names must all match (AND), several values
 * of one name are alternatives (any of). A value may be a glob with `*`. No option: `'any'`.
 * The policy is validated by the verifier, which names a mistyped claim.
 */
export function parsePolicy(pairs: readonly string[]): 'any' | PolicyRule {
  if (pairs.length === 0) return 'any'
  const rule: Record<string, string[]> = {}
  for (const pair of pairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0 || equals === pair.length - 1) {
      throw new UsageError(`--policy-claim: "${pair}" must be name=value, e.g. repository_owner_id=1342004`)
    }
    const name = pair.slice(0, equals)
    if (!Object.hasOwn(rule, name)) rule[name] = []
    rule[name]!.push(pair.slice(equals + 1))
  }
  return Object.fromEntries(
    Object.entries(rule).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]),
  ) as PolicyRule
}

/** Describes a policy from `parsePolicy` in one line. */
export function describePolicy(policy: 'any' | PolicyRule): string {
  if (policy === 'any') return 'any repository (add --policy-claim to restrict)'
  return Object.entries(policy)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join('|') : String(value)}`)
    .join(' and ')
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port: "${value}" is not a port (0–65535)`)
  return port
}

/** Every `--audience`; at least one. */
export function requireAudience(args: Args): readonly string[] {
  const audiences = args.strings('audience')
  if (audiences.length === 0) throw new UsageError('missing --audience: the audience the server expects')
  if (audiences.some((audience) => audience === '')) throw new UsageError('--audience: must not be empty')
  return audiences
}

/** A key set saved to a file, e.g. `curl https://token.actions.githubusercontent.com/.well-known/jwks`. */
export async function readJwksFile(path: string): Promise<{ keys: unknown[] }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`--jwks: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  let jwks: unknown
  try {
    jwks = JSON.parse(text)
  } catch {
    throw new UsageError(`--jwks: ${path} is not JSON`)
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new UsageError(`--jwks: ${path} is not a JWKS document ({ "keys": [...] })`)
  }
  return jwks as { keys: unknown[] }
}
