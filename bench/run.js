#!/usr/bin/env node
// @ts-check
/**
 * The benchmark of DESIGN §8, run on the built package (`npm run bench`, or `node bench/run.js
 * --quick` for a smoke run). Every figure is a ratio to a baseline measured in the same run;
 * settings are in bench/lib/config.js, the meaning of each figure in bench/README.md.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createMockIssuer } from 'github-oidc/testing'
import { measureGroup } from './http.js'
import { measureClient, measureColdBurst } from './keys.js'
import { startChild } from './lib/child.js'
import { readConfig } from './lib/config.js'
import { pin, planPinning } from './lib/pin.js'
import { formatRate, formatTable, ratioRow } from './lib/report.js'
import { median, round } from './lib/stats.js'

const AUDIENCE = 'https://bench.example.com'
/** A realistic pin (DESIGN §4): the owner's numeric id, which the kit's presets carry. */
const POLICY = { repository_owner_id: '84293715' }
/** Long enough for the whole run: the pool is minted once, at the start. */
const TOKEN_LIFETIME = 3600
/** Target of figure 6: what the heap may keep after the flood and a GC. */
const MEMORY_SLACK_MB = 8

const F1 = '1 distinct tokens, one core'
const F2 = '2 repeated token, HTTP'
const F3 = '3 distinct tokens, HTTP'
const F4 = '4 JWKS fetches'
const F5 = '5 client token requests'
const F6 = '6 memory, invalid flood'

const config = readConfig(process.argv.slice(2), process.env)
const wants = (/** @type {string} */ group) => config.only === undefined || config.only.includes(group)
// Read before pinning: pinned, this process sees only its own cores.
const machineCores = availableParallelism()
const pinning = planPinning(config.pin)
const loaderPinned = pinning.enabled && pin(process.pid, pinning.loader)
const serverCores = pinning.enabled ? pinning.server : undefined
const startedAt = new Date()
const loadBefore = loadavg()
const log = (/** @type {string} */ message) => process.stderr.write(`bench: ${message}\n`)

/** @type {import('./lib/report.js').Row[]} */
const rows = []
const notes = [
  `servers and the one-core verifiers run in child processes${pinning.enabled ? ` pinned to core ${pinning.server}` : ''}; ` +
    `autocannon and the testing kit run in the parent${loaderPinned ? ` pinned to core ${pinning.loader}` : ''}` +
    (pinning.enabled ? '' : ` (no pinning: ${pinning.reason})`),
  `distinct-token pools hold ${config.pool} tokens, more than the verdict cache (1024), cycled in order: every verification of ours is a cache miss`,
  `our verifier: testing kit as issuer, audience ${AUDIENCE}, policy ${JSON.stringify(POLICY)}`,
]
let failed = false

const kit = await createMockIssuer()
log(`minting ${config.pool} distinct tokens`)
const pool = Array.from({ length: config.pool }, () => kit.mint({}, { audience: AUDIENCE, expiresIn: TOKEN_LIFETIME }))
const issuer = { issuer: kit.issuer, audience: AUDIENCE, policy: POLICY, jwks: kit.jwks() }

try {
  if (wants('cpu')) await figure1()
  if (wants('http')) await figures2and3()
  else if (wants('jwks')) rows.push(skipped('4a.steady', F4, 'steady load: per process start', 'needs the http group'))
  if (wants('jwks')) await figure4b()
  if (wants('client')) await figure5()
  if (wants('memory')) await figure6()
} catch (error) {
  failed = true
  log(`aborted: ${error instanceof Error ? error.stack : String(error)}`)
} finally {
  await kit.close()
}

const finishedAt = new Date()
const report = {
  schema: 1,
  quick: config.quick,
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  seconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
  machine: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cores: machineCores,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    loadAverage1m: { start: round(loadBefore[0] ?? 0, 2), end: round(loadavg()[0] ?? 0, 2) },
  },
  config,
  pinning: { ...pinning, loaderPinned },
  notes,
  rows,
  summary: {
    pass: rows.filter((row) => row.status === 'pass').length,
    miss: rows.filter((row) => row.status === 'miss').length,
    error: rows.filter((row) => row.status === 'error').length,
    skipped: rows.filter((row) => row.status === 'skipped').length,
  },
}
const out = resolve(config.out)
await mkdir(dirname(out), { recursive: true })
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`)

process.stdout.write(
  [
    `github-oidc benchmark (${config.quick ? 'quick' : 'full'}: medians of ${config.runs} run(s)), ` +
      `${report.machine.cores} cores, ${report.machine.cpu}, Node.js ${process.version}, ` +
      `load average ${report.machine.loadAverage1m.start} → ${report.machine.loadAverage1m.end}`,
    ...notes.map((note) => `- ${note}`),
    '',
    formatTable(rows),
    '',
    `pass ${report.summary.pass}, miss ${report.summary.miss}, error ${report.summary.error}, skipped ${report.summary.skipped}; ` +
      `${report.seconds} s; JSON: ${config.out}`,
    '',
  ].join('\n'),
)
process.exitCode = failed || report.summary.error > 0 ? 1 : 0

// ---------------------------------------------------------------------------------------------

async function figure1() {
  log('figure 1: distinct-token verification on one core')
  kit.resetCounts()
  const child = startChild(
    'cpu.js',
    { ...issuer, tokens: pool, seconds: config.cpuSeconds, runs: config.runs },
    { cores: serverCores },
  )
  try {
    const { rates, wallRates } = await child.reply
    const floor = rates.floor
    const row = (
      /** @type {string} */ id,
      /** @type {string} */ name,
      /** @type {string} */ title,
      /** @type {number | undefined} */ target,
    ) =>
      ratioRow({
        id: `1.${id}`,
        figure: F1,
        title,
        subject: name,
        baseline: 'floor',
        subjectRates: rates[name],
        baselineRates: floor,
        unit: '/s',
        ...(target === undefined ? {} : { target }),
      })
    notes.push(
      'figure 1: verifications per CPU-second of the pinned process (all its threads), one token at a time; wall-clock rates are in the JSON',
    )
    const made = [
      row('ours', 'ours', 'verifier.verify vs minimal node:crypto', 0.9),
      row('jose', 'jose', 'jose jwtVerify (local JWKS) vs floor', undefined),
      row('fast-jwt', 'fast-jwt', 'fast-jwt createVerifier vs floor', undefined),
      row('crypto-verify', 'crypto.verify', 'bare crypto.verify (no parsing) vs floor', undefined),
    ]
    for (const item of made)
      item.data.wallRates = { subject: wallRates[String(item.data.subject)], floor: wallRates.floor }
    rows.push(...made)
    if (!child.pinned && pinning.enabled)
      notes.push('figure 1: pinning the verifier process failed; it may use both cores')
  } finally {
    await child.stop()
  }
}

async function figures2and3() {
  const context = { config, issuer, serverCores: serverCores ?? '', pool }
  /** @type {{ process: string, jwks: number, discovery: number }[]} */
  const steady = []
  for (const framework of /** @type {const} */ (['node', 'express', 'fastify', 'hono'])) {
    const title = `${framework === 'node' ? 'node:http' : framework} + adapter vs no auth`
    const missing = framework === 'node' ? undefined : missingAdapter(framework)
    if (missing !== undefined) {
      rows.push(skipped(`2.${framework}`, F2, title, missing))
      continue
    }
    log(`figure 2: ${framework}, same token on every request`)
    kit.resetCounts()
    const { results } = await measureGroup(
      context,
      [
        { label: 'none', framework, auth: 'none' },
        { label: 'ours', framework, auth: 'ours' },
        // A pass-through middleware shows what the framework itself charges for one middleware.
        ...(framework === 'node' ? [] : [{ label: 'noop', framework, auth: /** @type {const} */ ('noop') }]),
      ],
      'repeated',
    )
    steady.push({ process: `${framework} + adapter`, jwks: kit.requests.jwks, discovery: kit.requests.discovery })
    rows.push(
      httpRow(`2.${framework}`, F2, title, results, 'ours', 'none', 0.9, { subject: 'ours', baseline: 'no auth' }),
    )
    if (framework !== 'node') {
      rows.push(
        httpRow(
          `2.${framework}.noop`,
          F2,
          `${framework} + no-op middleware vs no auth`,
          results,
          'noop',
          'none',
          undefined,
          {
            subject: 'no-op',
            baseline: 'no auth',
          },
        ),
        httpRow(
          `2.${framework}.vs-noop`,
          F2,
          `${framework} + adapter vs no-op middleware`,
          results,
          'ours',
          'noop',
          undefined,
          {
            subject: 'ours',
            baseline: 'no-op',
          },
        ),
      )
    }
  }

  log('figure 3: node:http, a distinct token on every request')
  kit.resetCounts()
  const { results } = await measureGroup(
    context,
    [
      { label: 'ours', framework: 'node', auth: 'ours' },
      { label: 'floor', framework: 'node', auth: 'floor' },
      { label: 'jose', framework: 'node', auth: 'jose' },
      { label: 'none', framework: 'node', auth: 'none' },
    ],
    'distinct',
  )
  steady.push({
    process: 'node:http + adapter, distinct tokens',
    jwks: kit.requests.jwks,
    discovery: kit.requests.discovery,
  })
  rows.push(
    httpRow('3.ours', F3, 'node:http + adapter vs + minimal node:crypto', results, 'ours', 'floor', 0.9, {
      subject: 'ours',
      baseline: 'floor',
    }),
    httpRow('3.jose', F3, 'node:http + jose vs + minimal node:crypto', results, 'jose', 'floor', undefined, {
      subject: 'jose',
      baseline: 'floor',
    }),
    httpRow('3.ours-vs-jose', F3, 'node:http + adapter vs + jose', results, 'ours', 'jose', undefined, {
      subject: 'ours',
      baseline: 'jose',
    }),
    httpRow('3.floor-vs-none', F3, 'node:http + minimal node:crypto vs no auth', results, 'floor', 'none', undefined, {
      subject: 'floor',
      baseline: 'no auth',
    }),
  )

  const worst = Math.max(...steady.map((entry) => Math.max(entry.jwks, entry.discovery)))
  rows.push({
    id: '4a.steady',
    figure: F4,
    title: 'steady load: fetches per process start',
    measured: `max ${worst} (${steady.length} server processes)`,
    baseline: '—',
    ratio: null,
    target: '1',
    status: steady.every((entry) => entry.jwks === 1 && entry.discovery === 1) ? 'pass' : 'miss',
    data: { processes: steady, seconds: config.warmupSeconds + config.runs * config.httpSeconds },
  })
}

/**
 * @param {string} id
 * @param {string} figure
 * @param {string} title
 * @param {Record<string, import('./http.js').Measurement[]>} results
 * @param {string} subject
 * @param {string} baseline
 * @param {number | undefined} target
 * @param {{ subject: string, baseline: string }} names
 */
function httpRow(id, figure, title, results, subject, baseline, target, names) {
  const ours = results[subject] ?? []
  const base = results[baseline] ?? []
  const row = ratioRow({
    id,
    figure,
    title,
    subject: names.subject,
    baseline: names.baseline,
    subjectRates: ours.map((run) => run.rate),
    baselineRates: base.map((run) => run.rate),
    unit: ' req/s',
    ...(target === undefined ? {} : { target }),
  })
  const cpuRatios = ours.map((run, index) => (base[index]?.cpuPerRequest ?? Number.NaN) / run.cpuPerRequest)
  const cpuRatio = median(cpuRatios)
  row.cpuRatio = Number.isFinite(cpuRatio) ? round(cpuRatio, 3) : null
  row.data.cpuPerRequestMicros = {
    subject: median(ours.map((run) => run.cpuPerRequest)),
    baseline: median(base.map((run) => run.cpuPerRequest)),
  }
  row.data.latency = {
    subjectP99: median(ours.map((run) => run.p99)),
    baselineP99: median(base.map((run) => run.p99)),
  }
  const bad = [...ours, ...base].reduce((sum, run) => sum + run.non2xx + run.errors, 0)
  if (bad > 0) {
    row.status = 'error'
    row.note = `${bad} answers were not 2xx or failed: the figure is not a valid comparison`
  }
  row.data.runs = { [subject]: ours, [baseline]: base }
  return row
}

async function figure4b() {
  log(`figure 4b: ${config.cold} concurrent cold verifications`)
  const { inProcess, overHttp, count } = await measureColdBurst({
    count: config.cold,
    runs: config.runs,
    audience: AUDIENCE,
    policy: POLICY,
    serverCores: serverCores ?? '',
  })
  for (const [id, title, results] of /** @type {const} */ ([
    ['4b.in-process', `${count} concurrent verify() on a cold verifier`, inProcess],
    ['4b.http', `${count} concurrent requests to a cold node:http server`, overHttp],
  ])) {
    const worst = Math.max(...results.map((result) => Math.max(result.jwks, result.discovery)))
    const allOk = results.every((result) => result.ok === count)
    rows.push({
      id,
      figure: F4,
      title,
      measured: `max ${worst} JWKS/discovery fetch${worst === 1 ? '' : 'es'}; ${Math.min(...results.map((result) => result.ok))}/${count} verified`,
      baseline: '—',
      ratio: null,
      target: '1',
      status: !allOk
        ? 'error'
        : results.every((result) => result.jwks === 1 && result.discovery === 1)
          ? 'pass'
          : 'miss',
      ...(allOk ? {} : { note: 'not every token of the burst was accepted' }),
      data: { runs: results },
    })
  }
  notes.push(
    'figure 4b over HTTP: the kit holds discovery and JWKS answers for 300 ms so that the whole burst arrives cold',
  )
}

async function figure5() {
  log(`figure 5: ${config.clientCalls} getActionsToken calls`)
  const results = await measureClient({ calls: config.clientCalls, runs: config.runs, audience: AUDIENCE })
  const worst = Math.max(...results.map((result) => result.tokenRequests))
  rows.push({
    id: '5.client',
    figure: F5,
    title: `${config.clientCalls} getActionsToken calls within a token's lifetime`,
    measured: `max ${worst} token request${worst === 1 ? '' : 's'} (${formatRate(median(results.map((result) => result.callsPerSecond)))} calls/s)`,
    baseline: '—',
    ratio: null,
    target: '1',
    status: results.every((result) => result.tokenRequests === 1 && result.distinctTokens === 1) ? 'pass' : 'miss',
    data: { runs: results },
  })
}

async function figure6() {
  log(`figure 6: ${config.flood} distinct invalid tokens`)
  kit.resetCounts()
  const child = startChild(
    'memory.js',
    { ...issuer, sample: pool[0], count: config.flood },
    { execArgv: ['--expose-gc'], timeoutMs: 600_000 },
  )
  try {
    const result = await child.reply
    const fetches = kit.requests.jwks
    // One fetch at start; an unknown kid may cause one more per 30 s cooldown (DESIGN §3.3).
    const allowedFetches = 1 + Math.ceil(result.seconds / 30)
    const bounded = result.after <= result.before + MEMORY_SLACK_MB
    const refused = result.accepted === 0
    rows.push({
      id: '6.heap',
      figure: F6,
      title: `${config.flood.toLocaleString('en-US')} invalid tokens (unknown kid / bad signature)`,
      measured: `after GC ${result.after.toFixed(1)} MB (peak ${result.peak.toFixed(1)} MB)`,
      baseline: `before ${result.before.toFixed(1)} MB`,
      ratio: round(result.after / result.before, 3),
      target: `≤ +${MEMORY_SLACK_MB} MB`,
      status: !refused ? 'error' : bounded ? 'pass' : 'miss',
      ...(refused ? {} : { note: `${result.accepted} invalid tokens were accepted` }),
      data: { ...result, slackMB: MEMORY_SLACK_MB },
    })
    rows.push({
      id: '6.fetches',
      figure: F6,
      title: 'JWKS fetches during the flood',
      measured: `${fetches} (${formatRate(result.rejectionsPerSecond)} rejections/s)`,
      baseline: '—',
      ratio: null,
      target: `≤ ${allowedFetches}`,
      status: fetches <= allowedFetches ? 'pass' : 'miss',
      data: { jwks: fetches, discovery: kit.requests.discovery, allowed: allowedFetches, codes: result.codes },
    })
  } finally {
    await child.stop()
  }
}

/**
 * Why the adapter for `framework` cannot be measured, or `undefined` when its built module exists.
 * @param {string} framework
 */
function missingAdapter(framework) {
  try {
    const path = fileURLToPath(import.meta.resolve(`github-oidc/${framework}`))
    return existsSync(path) ? undefined : `github-oidc/${framework} is not built (${path} missing)`
  } catch (error) {
    return `github-oidc/${framework} cannot be resolved: ${error instanceof Error ? error.message : String(error)}`
  }
}

/**
 * @param {string} id @param {string} figure @param {string} title @param {string} note
 * @returns {import('./lib/report.js').Row}
 */
function skipped(id, figure, title, note) {
  return {
    id,
    figure,
    title,
    measured: '—',
    baseline: '—',
    ratio: null,
    target: '—',
    status: 'skipped',
    note,
    data: {},
  }
}
