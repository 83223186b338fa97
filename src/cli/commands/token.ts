import { createActionsTokenSource } from '../../client/index.js'
import type { Command } from '../command.js'
import { type CliIo, EXIT_OK, fetchOption, printJson, println, UsageError } from '../io.js'

/** Shared by `token` and `header`: both exist to print the token, so both may. */
export const tokenOptions = {
  audience: { type: 'string' },
  json: { type: 'boolean' },
} as const

const AUDIENCE_HELP = `  --audience <aud>  the audience the server expects (aud claim). Default: https://github.com/$GITHUB_REPOSITORY_OWNER,
                    what GitHub uses when a job asks for none
  --json            print JSON instead of text`

export const token: Command = {
  name: 'token',
  summary: 'print a GitHub Actions OIDC ID token (inside a job with id-token: write)',
  help: `Usage: github-oidc token [--audience <aud>] [--json]

Requests an OIDC ID token from the runner (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, present when the
workflow or job has "permissions: id-token: write") and prints it. GITHUB_OIDC_TOKEN, when set, is
printed instead. In GitHub Actions the token is masked in the log first (::add-mask:: on stderr).

Options:
${AUDIENCE_HELP}

Example:
  TOKEN=$(github-oidc token --audience https://api.example.com)
`,
  options: tokenOptions,
  positionals: [],
  async run(args, io) {
    const value = await requestToken(args.string('audience'), io)
    if (args.flag('json')) printJson(io, { token: value })
    else println(io.stdout, value)
    return EXIT_OK
  },
}

/** The token for `--audience` (or GitHub's default audience), through `github-oidc/client`. */
export async function requestToken(audience: string | undefined, io: CliIo): Promise<string> {
  const owner = io.env.GITHUB_REPOSITORY_OWNER
  const resolved = audience ?? (owner ? `https://github.com/${owner}` : undefined)
  if (resolved === undefined || resolved === '') {
    throw new UsageError(
      'missing --audience (outside GitHub Actions there is no GITHUB_REPOSITORY_OWNER to default to)',
    )
  }
  const source = createActionsTokenSource({
    env: io.env,
    ...fetchOption(io),
    // Workflow commands are read from stderr too; stdout stays the token alone, for $(…).
    write: (text) => io.stderr.write(text),
  })
  return source.getToken(resolved)
}
