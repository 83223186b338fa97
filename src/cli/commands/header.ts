import type { Command } from '../command.js'
import { EXIT_OK, printJson, println } from '../io.js'
import { requestToken, tokenOptions } from './token.js'

export const header: Command = {
  name: 'header',
  summary: 'print "Authorization: Bearer <token>" (inside a job)',
  help: `Usage: github-oidc header [--audience <aud>] [--json]

Like "github-oidc token", printed as an HTTP header line, ready for curl -H. --json prints
{ "Authorization": "Bearer …" }, the object getActionsHeader() returns.

Options:
  --audience <aud>  the audience the server expects (aud claim). Default: https://github.com/$GITHUB_REPOSITORY_OWNER
  --json            print JSON instead of text

Example:
  curl -H "$(github-oidc header --audience https://api.example.com)" https://api.example.com/deploy
`,
  options: tokenOptions,
  positionals: [],
  async run(args, io) {
    const authorization = `Bearer ${await requestToken(args.string('audience'), io)}`
    if (args.flag('json')) printJson(io, { Authorization: authorization })
    else println(io.stdout, `Authorization: ${authorization}`)
    return EXIT_OK
  },
}
