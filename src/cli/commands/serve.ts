import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { githubOidc } from '../../adapters/node.js'
import { GITHUB_ISSUER, type GitHubActionsClaims, type GitHubOidcError, type VerifierOptions } from '../../index.js'
import type { Command } from '../command.js'
import { explainFailure } from '../explain.js'
import { safe } from '../format.js'
import { describePolicy, parsePolicy, parsePort, requireAudience } from '../input.js'
import {
  type CliIo,
  EXIT_OK,
  EXIT_REJECTED,
  fetchOption,
  fromCommandLine,
  printJson,
  println,
  untilAborted,
} from '../io.js'

export const serve: Command = {
  name: 'serve',
  summary: 'run a debug server that answers every request with the verified claims',
  help: `Usage: github-oidc serve --audience <aud> [--port <n>] [options]

A debug echo server (github-oidc/node): every request with a valid, allowed token gets 200 and the
verified claims as JSON; others get the refusal a real server sends (401, 403, 400, 503 with
WWW-Authenticate). Each request is logged with the check that failed. Stops on Ctrl-C.

Options:
  --audience <aud>       required, repeatable: accepted audiences
  --port <n>             TCP port. Default: 8000 (0 picks a free one)
  --host <address>       Default: 127.0.0.1
  --policy-claim <k=v>   repeatable, as in "github-oidc verify". Default: any repository
  --issuer <url>         repeatable. Default: https://token.actions.githubusercontent.com
  --json                 log one JSON object per line

Example (with "github-oidc mock-issuer" running and its env exported):
  github-oidc serve --audience api --issuer http://127.0.0.1:PORT --port 8000
  github-oidc call http://127.0.0.1:8000/ --audience api
`,
  options: {
    audience: { type: 'string', multiple: true },
    port: { type: 'string' },
    host: { type: 'string' },
    'policy-claim': { type: 'string', multiple: true },
    issuer: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  positionals: [],
  async run(args, io) {
    const json = args.flag('json')
    const port = parsePort(args.string('port'), 8000)
    const host = args.string('host') ?? '127.0.0.1'
    const policy = parsePolicy(args.strings('policy-claim'))
    const issuers = args.strings('issuer')
    const options: VerifierOptions = {
      audience: requireAudience(args),
      policy,
      ...(issuers.length === 0 ? {} : { issuer: issuers }),
      ...fetchOption(io),
    }
    const log = createLog(io, json)
    const auth = fromCommandLine(() => githubOidc({ ...options, onError: (error, req) => log.refused(req, error) }))
    const server = createServer((req, res) => {
      answer(req, res, auth, log).catch(() => {
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    })
    try {
      await listen(server, port, host)
    } catch (error) {
      println(io.stderr, `github-oidc serve: cannot listen on ${host}:${port}: ${(error as Error).message}`)
      return EXIT_REJECTED
    }
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`
    announce(io, json, url, options, describePolicy(policy))
    await untilAborted(io.signal)
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return EXIT_OK
  },
}

function announce(io: CliIo, json: boolean, url: string, options: VerifierOptions, policy: string): void {
  if (json) {
    printJson(io, { event: 'listening', url, audience: options.audience, policy })
    return
  }
  println(io.stdout, `github-oidc serve: listening on ${url}`)
  println(io.stdout, `  audience: ${[options.audience].flat().join(', ')}`)
  println(io.stdout, `  issuer:   ${[options.issuer ?? GITHUB_ISSUER].flat().join(', ')}`)
  println(io.stdout, `  policy:   ${policy}`)
}

type Auth = (req: IncomingMessage, res: ServerResponse) => Promise<GitHubActionsClaims | undefined>

async function answer(req: IncomingMessage, res: ServerResponse, auth: Auth, log: Log): Promise<void> {
  const claims = await auth(req, res)
  if (claims === undefined) return
  log.allowed(req, claims)
  const body = `${JSON.stringify(claims, null, 2)}\n`
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

interface Log {
  allowed(req: IncomingMessage, claims: GitHubActionsClaims): void
  refused(req: IncomingMessage, error: GitHubOidcError): void
}

function createLog(io: CliIo, json: boolean): Log {
  const line = (req: IncomingMessage) => `${safe(req.method ?? '?')} ${safe(req.url ?? '/')}`
  return {
    allowed(req, claims) {
      if (json) printJson(io, { event: 'request', method: req.method, url: req.url, status: 200, sub: claims.sub })
      else println(io.stdout, `${line(req)} -> 200 ${safe(claims.sub)}`)
    },
    refused(req, error) {
      const message = explainFailure(error)
      if (json) {
        printJson(io, {
          event: 'request',
          method: req.method,
          url: req.url,
          status: error.status,
          code: error.code,
          message,
        })
      } else println(io.stdout, `${line(req)} -> ${error.status} ${error.code}: ${message}`)
    },
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
