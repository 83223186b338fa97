// @ts-check
/**
 * Figure 1, in a child process pinned to one core: verifications per second over a pool of
 * distinct valid tokens, larger than the verdict cache and used in a cycle so that every one of
 * ours is a cache miss. The verifiers take turns, run after run, so drift hits them all alike.
 */
import { createPublicKey, verify } from 'node:crypto'
import { createVerifier as createFastJwtVerifier } from 'fast-jwt'
import { createVerifier } from 'github-oidc'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { serveParent } from './lib/child.js'
import { createFloorVerifier } from './lib/floor.js'

/**
 * @typedef {object} CpuInput
 * @property {string[]} tokens
 * @property {{ keys: Record<string, unknown>[] }} jwks
 * @property {string} issuer
 * @property {string} audience
 * @property {Record<string, string>} policy
 * @property {number} seconds
 * @property {number} runs
 */

/** @param {CpuInput} input */
async function main(input) {
  const { tokens, jwks, issuer, audience, policy } = input
  const ours = createVerifier({ issuer, audience, policy })
  const floor = createFloorVerifier({ jwks, issuer, audience })
  const joseKeys = createLocalJWKSet(/** @type {any} */ (jwks))
  const jwk = /** @type {import('node:crypto').JsonWebKey} */ (jwks.keys[0])
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
  const fast = createFastJwtVerifier({ key: pem, algorithms: ['RS256'], allowedIss: issuer, allowedAud: audience })
  const bare = tokens.map((token) => {
    const cut = token.lastIndexOf('.')
    return { data: Buffer.from(token.slice(0, cut)), signature: Buffer.from(token.slice(cut + 1), 'base64url') }
  })
  const bareKey = createPublicKey({ key: jwk, format: 'jwk' })

  /** @type {Record<string, (token: string, index: number) => unknown>} */
  const verifiers = {
    ours: (token) => ours.verify(token),
    floor: (token) => floor(token),
    jose: (token) => jwtVerify(token, joseKeys, { issuer, audience, algorithms: ['RS256'] }),
    'fast-jwt': (token) => fast(token),
    'crypto.verify': (_token, index) => {
      const item = /** @type {{ data: Buffer, signature: Buffer }} */ (bare[index])
      if (!verify('RSA-SHA256', item.data, bareKey, item.signature)) throw new Error('signature')
    },
  }

  await checkVerdicts(verifiers, tokens)
  /** @type {Record<string, number[]>} */
  const rates = Object.fromEntries(Object.keys(verifiers).map((name) => [name, []]))
  /** @type {Record<string, number[]>} */
  const wallRates = Object.fromEntries(Object.keys(verifiers).map((name) => [name, []]))
  // A short first pass warms every code path up (JIT) before anything is measured.
  for (const fn of Object.values(verifiers)) await measure(fn, tokens, Math.min(0.3, input.seconds))
  // Each run gives every verifier `seconds` in slices taken in turns, so that other load on the
  // machine hits them alike.
  const slices = Math.max(1, Math.round(input.seconds / SLICE_SECONDS))
  for (let run = 0; run < input.runs; run++) {
    const totals = Object.fromEntries(Object.keys(verifiers).map((name) => [name, { done: 0, cpu: 0, wall: 0 }]))
    for (let slice = 0; slice < slices; slice++) {
      for (const [name, fn] of Object.entries(verifiers)) {
        const result = await measure(fn, tokens, input.seconds / slices)
        const total = totals[name]
        if (total === undefined) continue
        total.done += result.done
        total.cpu += result.cpu
        total.wall += result.wall
      }
    }
    for (const [name, total] of Object.entries(totals)) {
      rates[name]?.push(total.done / total.cpu)
      wallRates[name]?.push(total.done / total.wall)
    }
  }
  return { rates, wallRates, tokens: tokens.length }
}

/**
 * Every verifier must accept the pool and refuse a forged token, or its figure means nothing.
 * @param {Record<string, (token: string, index: number) => unknown>} verifiers
 * @param {string[]} tokens
 */
async function checkVerdicts(verifiers, tokens) {
  const sample = /** @type {string} */ (tokens[0])
  const forged = `${sample.slice(0, sample.lastIndexOf('.') + 1)}${Buffer.alloc(256, 7).toString('base64url')}`
  for (const [name, fn] of Object.entries(verifiers)) {
    await fn(sample, 0)
    if (name === 'crypto.verify') continue
    const refused = await Promise.resolve()
      .then(() => fn(forged, 0))
      .then(
        () => false,
        () => true,
      )
    if (!refused) throw new Error(`${name} accepted a forged signature`)
  }
}

/** @type {Map<Function, number>} */
const cursors = new Map()

const SLICE_SECONDS = 0.25

/**
 * Verifies for `seconds`, one token at a time: how many, in how much CPU time (this process, all
 * threads: WebCrypto's thread pool included) and wall time, in seconds.
 * @param {(token: string, index: number) => unknown} fn
 * @param {string[]} tokens
 * @param {number} seconds
 */
async function measure(fn, tokens, seconds) {
  const count = tokens.length
  const end = performance.now() + seconds * 1000
  const cpu = process.cpuUsage()
  const start = performance.now()
  let done = 0
  // Each verifier continues its cycle where it stopped: restarting at 0 would hit our cache.
  let index = cursors.get(fn) ?? 0
  let now = start
  while (now < end) {
    for (let i = 0; i < 64; i++) {
      await fn(/** @type {string} */ (tokens[index]), index)
      index = index + 1 === count ? 0 : index + 1
    }
    done += 64
    now = performance.now()
  }
  cursors.set(fn, index)
  const used = process.cpuUsage(cpu)
  return { done, cpu: (used.user + used.system) / 1e6, wall: (now - start) / 1000 }
}

serveParent(main, { exit: true })
