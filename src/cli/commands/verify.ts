import { createVerifier, isGitHubOidcError, type VerifierOptions } from '../../index.js'
import type { Command } from '../command.js'
import { explainFailure, failureJson } from '../explain.js'
import { claimsTable, isoSeconds } from '../format.js'
import { describePolicy, parsePolicy, parseTime, readJwksFile, readTokenArgument, requireAudience } from '../input.js'
import { EXIT_OK, EXIT_REJECTED, fetchOption, fromCommandLine, printJson, println } from '../io.js'
import { decodeJwt } from './decode.js'

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token as a server would; exit 0 with its claims, 1 with the failed check',
  help: `Usage: github-oidc verify <token|-> --audience <aud> [options]

Verifies the token exactly as createVerifier() does: RS256 signature with the issuer's published
keys, issuer, audience, expiry, identity claims, then the policy. Exit 0 and a table of the claims,
or exit 1 and the failed check in plain words. "-" reads the token from stdin.

Options:
  --audience <aud>         required, repeatable: accepted audiences
  --policy-claim <k=v>     repeatable: claim k must equal v (a * glob allowed); several values of
                           one claim are alternatives, different claims must all hold. Default: any
  --issuer <url>           repeatable. Default: https://token.actions.githubusercontent.com
  --at <time>              verify as of this moment: ISO date (2025-03-29T14:00:00Z) or epoch seconds
  --jwks <file>            verify offline against a saved key set (no network request at all)
  --json                   print { "valid": true, "claims" } or { "valid": false, "error" }

Examples:
  github-oidc verify - --audience https://api.example.com --policy-claim repository_owner_id=1342004 < token.jwt
  github-oidc verify "$TOKEN" --audience https://example.com --jwks jwks.json --at 2025-03-29T14:00:00Z
`,
  options: {
    audience: { type: 'string', multiple: true },
    'policy-claim': { type: 'string', multiple: true },
    issuer: { type: 'string', multiple: true },
    at: { type: 'string' },
    jwks: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['<token|->'],
  async run(args, io) {
    const audience = requireAudience(args)
    const policy = parsePolicy(args.strings('policy-claim'))
    const atOption = args.string('at')
    const at = atOption === undefined ? undefined : parseTime(atOption)
    const jwksFile = args.string('jwks')
    const jwks = jwksFile === undefined ? undefined : await readJwksFile(jwksFile)
    const issuers = args.strings('issuer')
    const options: VerifierOptions = {
      audience,
      policy,
      ...(issuers.length === 0 ? {} : { issuer: issuers }),
      ...(at === undefined ? {} : { currentDate: new Date(at) }),
      // --jwks: the verifier's fixed key set; nothing is fetched, not even for an unknown kid.
      ...(jwks === undefined ? fetchOption(io) : { keys: { jwks } }),
      // One verification: nothing to remember.
      cacheSize: 0,
    }
    const verifier = fromCommandLine(() => createVerifier(options))
    const token = await readTokenArgument(args.positionals[0]!, io)
    const context = {
      at,
      jwksFile,
      jwksKids: jwks?.keys.map((key) => (key as { kid?: unknown } | null)?.kid),
      tokenKid: decodeHeader(token)?.kid,
    }
    try {
      const claims = await verifier.verify(token)
      if (args.flag('json')) {
        printJson(io, { valid: true, claims })
      } else {
        const moment = at === undefined ? '' : ` as of ${isoSeconds(at / 1000)}`
        println(io.stdout, `valid${moment}: signature, issuer, audience, times and identity claims checked`)
        println(io.stdout, `policy: ${describePolicy(policy)}`)
        println(io.stdout)
        println(io.stdout, claimsTable(claims, at ?? Date.now()))
      }
      return EXIT_OK
    } catch (error) {
      if (!isGitHubOidcError(error)) throw error
      if (args.flag('json')) printJson(io, { valid: false, error: failureJson(error, context) })
      else println(io.stderr, `rejected (${error.code}): ${explainFailure(error, context)}`)
      return EXIT_REJECTED
    }
  },
}

function decodeHeader(token: string): Record<string, unknown> | undefined {
  const decoded = decodeJwt(token)
  return 'header' in decoded ? decoded.header : undefined
}
