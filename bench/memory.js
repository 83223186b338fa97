// @ts-check
/**
 * Figure 6, in a child process run with `--expose-gc`: a flood of distinct invalid tokens that look
 * like GitHub's (same header shape and claims, fresh `jti`), half with unknown `kid`s, half with a
 * known `kid` and a random signature. Nothing about a refused token may stay in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createVerifier } from 'github-oidc'
import { serveParent } from './lib/child.js'

const BATCH = 100
const CHECKPOINTS = 10

/**
 * @param {{ issuer: string, audience: string, policy: Record<string, string>, sample: string, count: number }} input
 */
async function main({ issuer, audience, policy, sample, count }) {
  const gc = globalThis.gc
  if (typeof gc !== 'function') throw new Error('run with --expose-gc')
  const verifier = createVerifier({ issuer, audience, policy })
  await verifier.verify(sample)
  const [headerSegment, payloadSegment] = sample.split('.')
  const header = JSON.parse(Buffer.from(String(headerSegment), 'base64url').toString())
  const payload = JSON.parse(Buffer.from(String(payloadSegment), 'base64url').toString())
  const encode = (/** @type {unknown} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url')

  /** A fresh invalid token: even indexes an unknown kid, odd ones a known kid with a random signature. */
  function invalid(/** @type {number} */ index) {
    const head =
      index % 2 === 0 ? encode({ ...header, kid: randomBytes(20).toString('hex').toUpperCase() }) : headerSegment
    return `${head}.${encode({ ...payload, jti: randomUUID() })}.${randomBytes(256).toString('base64url')}`
  }

  const mb = () => process.memoryUsage().heapUsed / 1024 / 1024
  gc()
  gc()
  const before = mb()
  let peak = before
  /** @type {number[]} */
  const afterGc = []
  /** @type {Record<string, number>} */
  const codes = {}
  let accepted = 0
  const every = Math.max(1, Math.floor(count / BATCH / CHECKPOINTS))
  const start = performance.now()
  for (let done = 0, batch = 0; done < count; batch++) {
    const size = Math.min(BATCH, count - done)
    const verdicts = await Promise.allSettled(
      Array.from({ length: size }, (_, i) => verifier.verify(invalid(done + i))),
    )
    for (const verdict of verdicts) {
      if (verdict.status === 'fulfilled') accepted++
      else {
        const code = /** @type {{ code?: string }} */ (verdict.reason).code ?? 'not a GitHubOidcError'
        codes[code] = (codes[code] ?? 0) + 1
      }
    }
    done += size
    peak = Math.max(peak, mb())
    if ((batch + 1) % every === 0 || done === count) {
      gc()
      afterGc.push(mb())
    }
  }
  const seconds = (performance.now() - start) / 1000
  gc()
  gc()
  const after = mb()
  // The verifier must still work after the flood.
  await verifier.verify(sample)
  return { count, before, after, peak, afterGc, codes, accepted, seconds, rejectionsPerSecond: count / seconds }
}

serveParent(main, { exit: true })
