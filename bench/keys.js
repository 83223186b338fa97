// @ts-check
/**
 * Figure 4b (JWKS fetches for a cold burst) and figure 5 (token requests of the client), counted
 * by the testing kit. Figure 4a is counted around the HTTP groups in run.js.
 */
import { Agent, request } from 'node:http'
import { createVerifier } from 'github-oidc'
import { getActionsToken, resetActionsTokenCache } from 'github-oidc/client'
import { createMockIssuer } from 'github-oidc/testing'
import { startChild } from './lib/child.js'

/** How long the kit holds discovery and JWKS answers in the HTTP cold burst, so that every request arrives first. */
const SLOW_MS = 300

/**
 * 4b: `count` verifications of distinct tokens started together on a verifier that has no keys
 * yet, in this process (`Promise.all`) and over HTTP (a fresh `node:http` + adapter server, the
 * issuer answering slowly so that all requests are in before the keys arrive).
 * @param {{ count: number, runs: number, audience: string, policy: Record<string, string>, serverCores: string }} options
 */
export async function measureColdBurst({ count, runs, audience, policy, serverCores }) {
  const kit = await createMockIssuer({ slowMs: SLOW_MS })
  try {
    const tokens = Array.from({ length: count }, () => kit.mint({}, { audience, expiresIn: 3600 }))
    const inProcess = []
    const overHttp = []
    for (let run = 0; run < runs; run++) {
      kit.resetCounts()
      const verifier = createVerifier({ issuer: kit.issuer, audience, policy })
      const verdicts = await Promise.allSettled(tokens.map((token) => verifier.verify(token)))
      inProcess.push({ ...counts(kit), ok: verdicts.filter((verdict) => verdict.status === 'fulfilled').length })

      const server = startChild(
        'server.js',
        { framework: 'node', auth: 'ours', issuer: kit.issuer, audience, policy, jwks: kit.jwks() },
        { cores: serverCores },
      )
      try {
        const { port } = await server.reply
        kit.resetCounts()
        kit.fail('slow', { endpoints: ['discovery', 'jwks'], times: 2 })
        const agent = new Agent({ keepAlive: false, maxSockets: count })
        const statuses = await Promise.all(tokens.map((token) => get(port, token, agent)))
        agent.destroy()
        kit.fail('none')
        overHttp.push({ ...counts(kit), ok: statuses.filter((status) => status === 200).length })
      } finally {
        await server.stop()
      }
    }
    return { inProcess, overHttp, count }
  } finally {
    await kit.close()
  }
}

/**
 * 5: `calls` calls of `getActionsToken` within one token's lifetime (half one after another, half
 * at once), against the kit's token endpoint.
 * @param {{ calls: number, runs: number, audience: string }} options
 */
export async function measureClient({ calls, runs, audience }) {
  const kit = await createMockIssuer()
  try {
    const results = []
    for (let run = 0; run < runs; run++) {
      resetActionsTokenCache()
      kit.resetCounts()
      const options = { env: kit.env, mask: false }
      const start = performance.now()
      const seen = new Set()
      const sequential = Math.floor(calls / 2)
      for (let i = 0; i < sequential; i++) seen.add(await getActionsToken(audience, options))
      const rest = await Promise.all(
        Array.from({ length: calls - sequential }, () => getActionsToken(audience, options)),
      )
      for (const token of rest) seen.add(token)
      const seconds = (performance.now() - start) / 1000
      results.push({
        tokenRequests: kit.requests.token,
        distinctTokens: seen.size,
        calls,
        callsPerSecond: calls / seconds,
      })
    }
    resetActionsTokenCache()
    return results
  } finally {
    await kit.close()
  }
}

/** @param {import('github-oidc/testing').MockIssuer} kit */
function counts(kit) {
  return { jwks: kit.requests.jwks, discovery: kit.requests.discovery }
}

/**
 * @param {number} port
 * @param {string} token
 * @param {Agent} agent
 * @returns {Promise<number>}
 */
function get(port, token, agent) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', agent, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 },
      (res) => {
        res.resume()
        res.once('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(0))
    req.end()
  })
}
