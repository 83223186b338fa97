// @ts-check
/**
 * CPU pinning with `taskset` (Linux): the server or the single-core verifier gets the last core,
 * the load generator (this process) the others, so that they do not steal each other's time and
 * WebCrypto's thread pool (jose) is held to the same one core as `node:crypto`.
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** @returns {{ enabled: boolean, reason: string, server: string, loader: string }} */
export function planPinning(/** @type {boolean} */ wanted) {
  const cores = availableParallelism()
  if (!wanted) return { enabled: false, reason: 'BENCH_PIN=0', server: 'any', loader: 'any' }
  if (cores < 2) return { enabled: false, reason: 'one core only', server: 'any', loader: 'any' }
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
  } catch {
    return { enabled: false, reason: 'taskset not found', server: 'any', loader: 'any' }
  }
  const last = cores - 1
  return { enabled: true, reason: 'taskset', server: String(last), loader: last === 1 ? '0' : `0-${last - 1}` }
}

/** Pins every thread of `pid` to `cores` (a taskset list). Returns false when that failed. */
export function pin(/** @type {number} */ pid, /** @type {string} */ cores) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
