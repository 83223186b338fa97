import type { Command } from '../command.js'
import { claimsTable } from '../format.js'
import { readTokenArgument } from '../input.js'
import { EXIT_OK, EXIT_REJECTED, printJson, println } from '../io.js'

const WARNING =
  'UNVERIFIED: decoded only. Signature, issuer, audience and expiry are NOT checked (use github-oidc verify).'

export const decode: Command = {
  name: 'decode',
  summary: 'print the header and claims of a token, UNVERIFIED',
  help: `Usage: github-oidc decode <token|-> [--json]

Prints the header and the claims of a JWT without verifying anything: anyone can write a token
that decodes. Use "github-oidc verify" to know whether to trust it. "-" reads the token from stdin
(keeps it out of shell history and ps); an "Authorization: Bearer …" line is accepted too.

Options:
  --json   print { "verified": false, "header": {…}, "claims": {…} }

Example:
  github-oidc header --audience api | github-oidc decode -
`,
  options: { json: { type: 'boolean' } },
  positionals: ['<token|->'],
  async run(args, io) {
    const token = await readTokenArgument(args.positionals[0]!, io)
    const decoded = decodeJwt(token)
    if ('problem' in decoded) {
      if (args.flag('json')) printJson(io, { verified: false, error: decoded.problem })
      else println(io.stderr, `github-oidc decode: ${decoded.problem}`)
      return EXIT_REJECTED
    }
    if (args.flag('json')) {
      printJson(io, { verified: false, header: decoded.header, claims: decoded.claims })
      return EXIT_OK
    }
    const now = Date.now()
    println(io.stdout, WARNING)
    println(io.stdout)
    println(io.stdout, 'header (unverified)')
    println(io.stdout, claimsTable(decoded.header, now))
    println(io.stdout)
    println(io.stdout, 'claims (unverified)')
    println(io.stdout, claimsTable(decoded.claims, now))
    return EXIT_OK
  },
}

type Decoded =
  | { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> }
  | { readonly problem: string }

/** Splits a compact JWS and parses header and payload; every failure is a sentence, never a throw. */
export function decodeJwt(token: string): Decoded {
  const segments = token.split('.')
  if (segments.length !== 3) return { problem: `not a JWT: expected 3 dot-separated segments, got ${segments.length}` }
  const header = decodeSegment(segments[0]!)
  if (typeof header === 'string') return { problem: `not a JWT: the header ${header}` }
  const claims = decodeSegment(segments[1]!)
  if (typeof claims === 'string') return { problem: `not a JWT: the payload ${claims}` }
  return { header, claims }
}

function decodeSegment(segment: string): Record<string, unknown> | string {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return 'is not base64url'
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    return 'is not JSON'
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object'
  return value as Record<string, unknown>
}
