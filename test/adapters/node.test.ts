import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { githubOidc } from '../../src/adapters/node.js'
import { listen, runAdapterContract, sendHttp } from './contract.js'

runAdapterContract(
  'node:http',
  async ({ options, verifier, strict }) => {
    const claims = githubOidc(options)
    const strictRoute = githubOidc({ verifier, policy: strict, onError: options.onError })
    const server = createServer(async (req, res) => {
      if (req.method === 'OPTIONS') {
        // The node helper authenticates what it is given: the app routes preflights before it.
        res.writeHead(204, { 'access-control-allow-origin': '*' }).end()
        return
      }
      const verified = await (req.url === '/strict' ? strictRoute : claims)(req, res)
      if (verified) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verified))
    })
    const { origin, close } = await listen(server)
    return { request: (request) => sendHttp(origin, request), close }
  },
  { jsonErrors: true, preflight: false },
)

describe('node:http: githubOidc', () => {
  it('refuses bad options at construction with a TypeError naming the option', () => {
    expect(() => githubOidc({ audience: 'a', policy: 'any', realm: 7 as never })).toThrow(/^options\.realm: /)
    expect(() => githubOidc(undefined as never)).toThrow(TypeError)
  })
})
