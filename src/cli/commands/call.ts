import { createActionsTokenSource } from '../../client/index.js'
import type { Command } from '../command.js'
import { redactTokens, safe, safeLines } from '../format.js'
import { requireAudience } from '../input.js'
import { EXIT_OK, EXIT_REJECTED, fetchOption, printJson, println, UsageError } from '../io.js'

/** A debug answer is printed, not stored: the body is cut here. */
const MAX_BODY_CHARS = 64 * 1024
const SHOWN_HEADERS = ['content-type', 'www-authenticate', 'retry-after']

export const call: Command = {
  name: 'call',
  summary: 'debug client: call a URL with a token (inside a job, or with mock-issuer env)',
  help: `Usage: github-oidc call <url> --audience <aud> [--method <m>] [--json]

Gets an ID token for the audience with github-oidc/client (as a job does: ACTIONS_ID_TOKEN_REQUEST_URL
and _TOKEN, or GITHUB_OIDC_TOKEN), sends it as "Authorization: Bearer …" to the URL (once more with
a fresh token after a 401), and prints the status, WWW-Authenticate and the body. No token is ever
printed: anything shaped like a JWT in the answer is redacted. Exit 0 on a 2xx answer, 1 otherwise.

Options:
  --audience <aud>   required: the audience the server expects
  --method <m>       Default: GET
  --json             print { "status", "headers", "body" }

Example:
  github-oidc call https://api.example.com/whoami --audience https://api.example.com
`,
  options: {
    audience: { type: 'string', multiple: true },
    method: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['<url>'],
  async run(args, io) {
    const audiences = requireAudience(args)
    if (audiences.length > 1) throw new UsageError('--audience: a token has one audience; give it once')
    const url = args.positionals[0]!
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new UsageError(`'${url}' is not an http(s) URL`)
    }
    const method = (args.string('method') ?? 'GET').toUpperCase()
    const source = createActionsTokenSource({ env: io.env, ...fetchOption(io), write: (text) => io.stderr.write(text) })
    const response = await source.createFetch({ audience: audiences[0]! })(url, { method })
    const text = redactTokens(await response.text()).slice(0, MAX_BODY_CHARS)
    const headers = Object.fromEntries(
      SHOWN_HEADERS.flatMap((name) => {
        const value = response.headers.get(name)
        return value === null ? [] : [[name, redactTokens(value)]]
      }),
    )
    const ok = response.status >= 200 && response.status < 300
    if (args.flag('json')) {
      printJson(io, { status: response.status, headers, body: parseBody(text) })
      return ok ? EXIT_OK : EXIT_REJECTED
    }
    println(io.stdout, `HTTP ${response.status} ${safe(response.statusText)}`)
    for (const [name, value] of Object.entries(headers)) println(io.stdout, `${name}: ${safe(value)}`)
    println(io.stdout)
    const body = parseBody(text)
    const shown = typeof body === 'string' ? body : JSON.stringify(body, null, 2)
    println(io.stdout, safeLines(shown))
    return ok ? EXIT_OK : EXIT_REJECTED
  },
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
