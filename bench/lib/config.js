// @ts-check
/**
 * Benchmark settings: defaults for a full run (≈ 3½ min on 2 cores), `--quick` for the smoke test
 * (seconds, one run), each overridable by an environment variable.
 */

/**
 * @typedef {object} BenchConfig
 * @property {boolean} quick
 * @property {number} runs            BENCH_RUNS: measurements per figure; the report shows medians.
 * @property {number} cpuSeconds      BENCH_CPU_SECONDS: one verifier, one run, figure 1.
 * @property {number} httpSeconds     BENCH_HTTP_SECONDS: one server, one run, figures 2–3.
 * @property {number} warmupSeconds   BENCH_WARMUP_SECONDS: load before the first measured run of each server.
 * @property {number} connections     BENCH_CONNECTIONS: autocannon keep-alive connections.
 * @property {number} pool            BENCH_POOL: distinct valid tokens, more than the verdict cache holds.
 * @property {number} cold            BENCH_COLD: concurrent cold verifications, figure 4b.
 * @property {number} clientCalls     BENCH_CLIENT_CALLS: getActionsToken calls, figure 5.
 * @property {number} flood           BENCH_FLOOD: distinct invalid tokens, figure 6.
 * @property {boolean} pin            BENCH_PIN=0 disables CPU pinning (taskset).
 * @property {string[] | undefined} only BENCH_ONLY: comma-separated figure groups (cpu, http, jwks, client, memory).
 * @property {string} out             BENCH_OUT: the JSON report. Default `.bench/latest.json`.
 */

/** The verifier's default verdict cache size: the distinct-token pools must be larger (cyclic LRU misses). */
export const VERDICT_CACHE_SIZE = 1024

const FULL = {
  runs: 3,
  cpuSeconds: 1.5,
  httpSeconds: 4,
  warmupSeconds: 1,
  connections: 32,
  pool: 4096,
  cold: 256,
  clientCalls: 1000,
  flood: 200_000,
}

const QUICK = {
  runs: 1,
  cpuSeconds: 0.2,
  httpSeconds: 0.5,
  warmupSeconds: 0.2,
  connections: 8,
  pool: VERDICT_CACHE_SIZE + 64,
  cold: 256,
  clientCalls: 100,
  flood: 4000,
}

/** @type {Record<keyof typeof FULL, string>} */
const ENV = {
  runs: 'BENCH_RUNS',
  cpuSeconds: 'BENCH_CPU_SECONDS',
  httpSeconds: 'BENCH_HTTP_SECONDS',
  warmupSeconds: 'BENCH_WARMUP_SECONDS',
  connections: 'BENCH_CONNECTIONS',
  pool: 'BENCH_POOL',
  cold: 'BENCH_COLD',
  clientCalls: 'BENCH_CLIENT_CALLS',
  flood: 'BENCH_FLOOD',
}

export const GROUPS = ['cpu', 'http', 'jwks', 'client', 'memory']

/**
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {BenchConfig}
 */
export function readConfig(argv, env) {
  for (const arg of argv) {
    if (arg !== '--quick') throw new TypeError(`bench: unknown argument ${arg} (only --quick)`)
  }
  const quick = argv.includes('--quick')
  const base = quick ? QUICK : FULL
  /** @type {Record<string, number>} */
  const numbers = {}
  for (const [name, fallback] of Object.entries(base)) {
    const variable = ENV[/** @type {keyof typeof FULL} */ (name)]
    const raw = env[variable]
    const value = raw === undefined || raw === '' ? fallback : Number(raw)
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${variable}: must be a positive number`)
    const integer = !name.endsWith('Seconds')
    numbers[name] = integer ? Math.round(value) : value
  }
  if ((numbers.pool ?? 0) <= VERDICT_CACHE_SIZE) {
    throw new TypeError(
      `BENCH_POOL: must exceed the verdict cache (${VERDICT_CACHE_SIZE}) so that no token is a cache hit`,
    )
  }
  const only = env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((group) => group.trim()) : undefined
  for (const group of only ?? []) {
    if (!GROUPS.includes(group)) throw new TypeError(`BENCH_ONLY: unknown group ${group} (${GROUPS.join(', ')})`)
  }
  return /** @type {BenchConfig} */ ({
    quick,
    ...numbers,
    pin: env.BENCH_PIN !== '0',
    only,
    out: env.BENCH_OUT || '.bench/latest.json',
  })
}
