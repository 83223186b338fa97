// @ts-check
/**
 * Figures 2 and 3: servers in child processes (pinned to their own core), autocannon in this
 * process. Servers compared with each other form a group: they are started together, warmed up,
 * then measured in turns, run after run, so that drift hits each alike.
 */
import autocannon from 'autocannon'
import { startChild } from './lib/child.js'
import { median } from './lib/stats.js'

/**
 * @typedef {object} ServerSpec
 * @property {string} label
 * @property {'node' | 'express' | 'fastify' | 'hono'} framework
 * @property {'none' | 'noop' | 'ours' | 'floor' | 'jose'} auth
 *
 * @typedef {object} Measurement
 * @property {number} rate     2xx answers per second
 * @property {number} cpuPerRequest  server CPU time per request, µs (all its threads)
 * @property {number} p50      latency, ms (median over slices)
 * @property {number} p99      latency, ms (median over slices)
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
    const servers = children.map((child, index) => ({ child, port: ports[index] }))
    for (const server of servers) await hit(server, load, config.warmupSeconds, config.connections)
    // Each run gives every server `httpSeconds` in slices taken in turns, so that other load on
    // the machine hits them alike.
    const slices = Math.max(1, Math.round(config.httpSeconds / SLICE_SECONDS))
    for (let run = 0; run < config.runs; run++) {
      /** @type {Slice[][]} */
      const parts = specs.map(() => [])
      for (let slice = 0; slice < slices; slice++) {
        for (const [index, server] of servers.entries()) {
          parts[index]?.push(await hit(server, load, config.httpSeconds / slices, config.connections))
        }
      }
      for (const [index, spec] of specs.entries()) results[spec.label]?.push(combine(parts[index] ?? []))
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

const SLICE_SECONDS = 1

/**
 * @typedef {object} Slice
 * @property {number} ok
 * @property {number} seconds
 * @property {number} cpuMicros
 * @property {number} requests
 * @property {number} p50
 * @property {number} p99
 * @property {number} non2xx
 * @property {number} errors
 */

/**
 * One autocannon run against a server, with the server's CPU time and request count around it.
 * @param {{ child: import('./lib/child.js').Child, port: number | undefined }} server
 * @param {object} load
 * @param {number} seconds
 * @param {number} connections
 * @returns {Promise<Slice>}
 */
async function hit(server, load, seconds, connections) {
  const before = await server.child.usage()
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}/`, connections, duration: seconds, ...load })
  const after = await server.child.usage()
  return {
    ok: result['2xx'],
    seconds: result.duration,
    cpuMicros: after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system,
    requests: after.requests - before.requests,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

/** @param {Slice[]} slices @returns {Measurement} */
function combine(slices) {
  const sum = (/** @type {(slice: Slice) => number} */ pick) => slices.reduce((total, slice) => total + pick(slice), 0)
  return {
    rate: sum((slice) => slice.ok) / sum((slice) => slice.seconds),
    cpuPerRequest:
      sum((slice) => slice.cpuMicros) /
      Math.max(
        1,
        sum((slice) => slice.requests),
      ),
    p50: median(slices.map((slice) => slice.p50)),
    p99: median(slices.map((slice) => slice.p99)),
    non2xx: sum((slice) => slice.non2xx),
    errors: sum((slice) => slice.errors),
  }
}
