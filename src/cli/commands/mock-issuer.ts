import { createMockIssuer, isPresetName, type MockIssuer, presets } from '../../testing/index.js'
import type { Command } from '../command.js'
import { parsePort } from '../input.js'
import { type CliIo, EXIT_OK, EXIT_REJECTED, printJson, println, UsageError, untilAborted } from '../io.js'

export const mockIssuer: Command = {
  name: 'mock-issuer',
  summary: "run a local stand-in for GitHub's OIDC issuer and print the env to export",
  help: `Usage: github-oidc mock-issuer [--port <n>] [--preset <name>] [--claim <k=v> …] [--json]

Starts the testing kit's issuer (github-oidc/testing) on 127.0.0.1: discovery, JWKS and a token
endpoint like a runner's. Prints the "export" lines that make "github-oidc token", "call" and
getActionsToken() get tokens from it, and the issuer URL for --issuer. Runs until Ctrl-C.

Options:
  --port <n>        TCP port on 127.0.0.1. Default: 0 (a free port)
  --preset <name>   claims of the tokens it hands out: ${Object.keys(presets).join(', ')}. Default: push
  --claim <k=v>     repeatable: override one claim of those tokens, e.g. --claim repository_owner_id=42
  --json            print { "issuer", "env" } as one line

Example:
  github-oidc mock-issuer --port 8001     # then, in another shell, paste the export lines
`,
  options: {
    port: { type: 'string' },
    preset: { type: 'string' },
    claim: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  positionals: [],
  async run(args, io) {
    const port = parsePort(args.string('port'), 0)
    const preset = args.string('preset') ?? 'push'
    if (!isPresetName(preset))
      throw new UsageError(`--preset: '${preset}' is not one of ${Object.keys(presets).join(', ')}`)
    const tokenClaims = parseClaims(args.strings('claim'))
    let issuer: MockIssuer
    try {
      issuer = await createMockIssuer({ port, tokenClaims, tokenOptions: { preset } })
    } catch (error) {
      // A claim override the kit cannot mint (its trial mint at start) is a command-line mistake.
      if (error instanceof TypeError) throw new UsageError(`--claim: ${error.message}`)
      println(io.stderr, `github-oidc mock-issuer: cannot start on 127.0.0.1:${port}: ${(error as Error).message}`)
      return EXIT_REJECTED
    }
    try {
      if (args.flag('json')) printJson(io, { issuer: issuer.issuer, env: issuer.env })
      else printExports(io, issuer)
      await untilAborted(io.signal)
    } finally {
      await issuer.close()
    }
    return EXIT_OK
  },
}

function printExports(io: CliIo, issuer: MockIssuer): void {
  const out = (text = '') => println(io.stdout, text)
  out(`# github-oidc mock issuer: ${issuer.issuer} (Ctrl-C to stop). In the shell of your job or client:`)
  // Both values are a URL and base64url: nothing a single-quoted shell word needs to escape.
  for (const [name, value] of Object.entries(issuer.env)) out(`export ${name}='${value}'`)
  out(`# then: github-oidc token --audience api`)
  out(`#   and verify with the issuer: github-oidc verify - --audience api --issuer ${issuer.issuer}`)
}

/** `--claim k=v`: each value is a string, as GitHub sends every custom claim. */
function parseClaims(pairs: readonly string[]): Record<string, string> {
  const claims: Record<string, string> = {}
  for (const pair of pairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0) throw new UsageError(`--claim: "${pair}" must be name=value, e.g. repository_owner_id=42`)
    claims[pair.slice(0, equals)] = pair.slice(equals + 1)
  }
  return claims
}
