// @ts-check
/**
 * A server under load, in its own process (pinned to its own core): one framework, one kind of
 * authentication. Answers `GET /` with a small JSON body; replies to the parent with its port.
 */
import { createServer } from 'node:http'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { serveParent } from './lib/child.js'
import { createFloorVerifier } from './lib/floor.js'

/**
 * @typedef {object} ServerInput
 * @property {'node' | 'express' | 'fastify' | 'hono'} framework
 * @property {'none' | 'noop' | 'ours' | 'floor' | 'jose'} auth
 * @property {string} issuer
 * @property {string} audience
 * @property {Record<string, string>} policy
 * @property {{ keys: Record<string, unknown>[] }} jwks  given to the floor and jose servers, which never fetch
 */

let requests = 0

/** @param {ServerInput} input */
async function main(input) {
  const port = await servers[input.framework](input)
  // The parent asks for CPU time and request count around each measurement: CPU per request is
  // the figure that other load on the machine disturbs least.
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'usage') process.send?.({ type: 'usage', id: message.id, cpu: process.cpuUsage(), requests })
  })
  return { port }
}

/** @param {import('node:http').Server} server */
function count(server) {
  server.on('request', () => {
    requests++
  })
  return server
}

/** @type {Record<ServerInput['framework'], (input: ServerInput) => Promise<number>>} */
const servers = {
  async node(input) {
    if (input.auth === 'none') {
      return listen(
        createServer((_req, res) => {
          const body = JSON.stringify({ ok: true, repository: null })
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
          res.end(body)
        }),
      )
    }
    const authenticate = await nodeAuth(input)
    const server = createServer((req, res) => {
      authenticate(req, res).then(
        (claims) => {
          if (claims === undefined) return
          const body = JSON.stringify({ ok: true, repository: claims.repository ?? null })
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
          res.end(body)
        },
        () => {
          res.writeHead(500).end()
        },
      )
    })
    return listen(server)
  },

  async express(input) {
    const { default: express } = await import('express')
    const app = express()
    /** @type {any[]} */
    const middleware = []
    if (input.auth === 'ours') {
      const { githubOidc } = await import('github-oidc/express')
      middleware.push(githubOidc(ours(input)))
    }
    // The framework's own cost of one middleware, for reference.
    if (input.auth === 'noop')
      middleware.push((/** @type {any} */ _req, /** @type {any} */ _res, /** @type {any} */ next) => next())
    app.get('/', ...middleware, (/** @type {any} */ req, /** @type {any} */ res) => {
      res.json({ ok: true, repository: req.githubOidc?.repository ?? null })
    })
    return listen(count(createServer(app)))
  },

  async fastify(input) {
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ logger: false })
    /** @type {Record<string, unknown>} */
    const routeOptions = {}
    if (input.auth === 'ours') {
      const { githubOidc } = await import('github-oidc/fastify')
      await app.register(githubOidc, ours(input))
      routeOptions.onRequest = /** @type {any} */ (app).githubOidc
    }
    if (input.auth === 'noop') {
      routeOptions.onRequest = (/** @type {any} */ _request, /** @type {any} */ _reply, /** @type {any} */ done) =>
        done()
    }
    app.get('/', routeOptions, async (/** @type {any} */ request) => ({
      ok: true,
      repository: request.githubOidc?.repository ?? null,
    }))
    count(app.server)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  },

  async hono(input) {
    const { Hono } = await import('hono')
    const { serve } = await import('@hono/node-server')
    const app = new Hono()
    if (input.auth === 'ours') {
      const { githubOidc } = await import('github-oidc/hono')
      app.use('/', githubOidc(ours(input)))
    }
    if (input.auth === 'noop') app.use('/', (_c, next) => next())
    app.get('/', (c) => c.json({ ok: true, repository: /** @type {any} */ (c.get('githubOidc'))?.repository ?? null }))
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port))
      count(/** @type {import('node:http').Server} */ (server))
    })
  },
}

/** Our verifier's options: the testing kit as the issuer, a realistic pin (DESIGN §4). */
function ours(/** @type {ServerInput} */ input) {
  return { issuer: input.issuer, audience: input.audience, policy: input.policy }
}

/**
 * `node:http` authentication: `(req, res) => claims | undefined` (the refusal already answered).
 * @param {ServerInput} input
 * @returns {Promise<(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<any>>}
 */
async function nodeAuth(input) {
  if (input.auth === 'ours') {
    const { githubOidc } = await import('github-oidc/node')
    return githubOidc(ours(input))
  }
  const { issuer, audience, jwks } = input
  /** @type {(token: string) => unknown} */
  let verify
  if (input.auth === 'floor') {
    verify = createFloorVerifier({ jwks, issuer, audience })
  } else {
    const keys = createLocalJWKSet(/** @type {any} */ (jwks))
    verify = async (token) => (await jwtVerify(token, keys, { issuer, audience, algorithms: ['RS256'] })).payload
  }
  return async (req, res) => {
    const header = req.headers.authorization
    try {
      if (header === undefined || !header.startsWith('Bearer ')) throw new Error('no token')
      return await verify(header.slice(7))
    } catch {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-length': 0 }).end()
      return undefined
    }
  }
}

/** @param {import('node:http').Server} server @returns {Promise<number>} */
function listen(server) {
  count(server)
  server.keepAliveTimeout = 30_000
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
}

serveParent(main, { exit: false })
