// @ts-check
/**
 * Figures 2 and 3: servers in child processes (pinned to their own core), autocannon in this
 * process. Servers compared with each other form a group: they are started together, warmed up,
 * then measured in turns, run after run, so that drift hits each alike.
 */
import autocannon from 'autocannon'
import { startChild } from './lib/child.js'

/**
 * @typedef {object} ServerSpec
 * @property {string} label
 * @property {'node' | 'express' | 'fastify' | 'hono'} framework
 * @property {'none' | 'ours' | 'floor' | 'jose'} auth
 *
 * @typedef {object} Measurement
 * @property {number} rate     2xx answers per second
 * @property {number} p50      latency, ms
 * @property {number} p99      latency, ms
 * @property {number} non2xx
 * @property {number} errors   connection errors and timeouts
 *
 * @typedef {object} LoadContext
 * @property {import('./lib/config.js').BenchConfig} config
 * @property {{ issuer: string, audience: string, policy: Record<string, string>, jwks: { keys: Record<string, unknown>[] } }} issuer
 * @property {string} serverCores
 * @property {string[]} pool   distinct valid tokens
 */

/**
 * Starts the group's servers, measures each `config.runs` times in turns, stops them.
 * @param {LoadContext} context
 * @param {ServerSpec[]} specs
 * @param {'repeated' | 'distinct'} tokens
 * @returns {Promise<{ results: Record<string, Measurement[]>, pinned: boolean }>}
 */
export async function measureGroup(context, specs, tokens) {
  const { config } = context
  const children = specs.map((spec) =>
    startChild(
      'server.js',
      { ...context.issuer, framework: spec.framework, auth: spec.auth },
      { cores: context.serverCores },
    ),
  )
  try {
    const ports = await Promise.all(children.map((child) => child.reply.then((reply) => reply.port)))
    const load =
      tokens === 'repeated' ? repeatedLoad(/** @type {string} */ (context.pool[0])) : distinctLoad(context.pool)
    /** @type {Record<string, Measurement[]>} */
    const results = Object.fromEntries(specs.map((spec) => [spec.label, []]))
    for (const port of ports) await hit(port, load, config.warmupSeconds, config.connections)
    for (let run = 0; run < config.runs; run++) {
      for (const [index, spec] of specs.entries()) {
        results[spec.label]?.push(await hit(ports[index], load, config.httpSeconds, config.connections))
      }
    }
    return { results, pinned: children.every((child) => child.pinned) }
  } finally {
    await Promise.all(children.map((child) => child.stop()))
  }
}

/** The same token on every request: our verdict cache answers. */
function repeatedLoad(/** @type {string} */ token) {
  return { headers: { authorization: `Bearer ${token}` } }
}

/** A new token on each request, in a cycle over a pool larger than the verdict cache: every one a miss. */
function distinctLoad(/** @type {string[]} */ pool) {
  const headers = pool.map((token) => `Bearer ${token}`)
  let next = 0
  return {
    requests: [
      {
        setupRequest(/** @type {any} */ request) {
          const authorization = headers[next]
          next = next + 1 === headers.length ? 0 : next + 1
          return { ...request, headers: { ...request.headers, authorization } }
        },
      },
    ],
  }
}

/**
 * One autocannon run against `127.0.0.1:port`.
 * @param {number | undefined} port
 * @param {object} load
 * @param {number} seconds
 * @param {number} connections
 * @returns {Promise<Measurement>}
 */
async function hit(port, load, seconds, connections) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds, ...load })
  const ok = result['2xx']
  return {
    rate: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}
