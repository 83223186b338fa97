import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Smoke test only: the benchmark runs in its quick mode against the built package and must produce
// a well-formed report. No assertion on any rate: the figures are measured, not tested.

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const STATUSES = ['pass', 'miss', 'info', 'skipped', 'error']
const EXPECTED_IDS = [
  '1.ours',
  '1.jose',
  '1.fast-jwt',
  '1.crypto-verify',
  '2.node',
  '2.express',
  '2.fastify',
  '2.hono',
  '3.ours',
  '3.jose',
  '4a.steady',
  '4b.in-process',
  '4b.http',
  '5.client',
  '6.heap',
  '6.fetches',
]

interface Row {
  id: string
  figure: string
  title: string
  measured: string
  baseline: string
  ratio: number | null
  target: string
  status: string
  note?: string
  data: Record<string, unknown>
}

interface Report {
  schema: number
  quick: boolean
  seconds: number
  machine: { node: string; cores: number }
  config: { runs: number }
  notes: string[]
  rows: Row[]
  summary: Record<'pass' | 'miss' | 'error' | 'skipped', number>
}

describe('the benchmark in quick mode', () => {
  let dir = ''
  let stdout = ''
  let stderr = ''
  let report: Report

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js'))) {
      await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root })
    }
    dir = await mkdtemp(join(tmpdir(), 'github-oidc-bench-'))
    const out = join(dir, 'latest.json')
    const result = await run(process.execPath, ['bench/run.js', '--quick'], {
      cwd: root,
      env: { ...process.env, BENCH_OUT: out, BENCH_FLOOD: '2000', BENCH_CLIENT_CALLS: '50' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 170_000,
    })
    stdout = result.stdout
    stderr = result.stderr
    report = JSON.parse(await readFile(out, 'utf8')) as Report
  }, 180_000)

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true })
  })

  it('writes a JSON report of one quick run with a row for every figure', () => {
    expect(report.schema).toBe(1)
    expect(report.quick).toBe(true)
    expect(report.config.runs).toBe(1)
    expect(report.machine.node).toBe(process.version)
    expect(report.rows.map((row) => row.id)).toEqual(expect.arrayContaining(EXPECTED_IDS))
  })

  it('gives every row a known status, and a positive ratio to each throughput row that was measured', () => {
    for (const row of report.rows) {
      expect(STATUSES, row.id).toContain(row.status)
      expect(row.status, `${row.id}: ${row.note ?? ''}`).not.toBe('error')
      if (row.status === 'skipped') expect(row.note, row.id).toMatch(/\S/)
      if (/^[123]\./.test(row.id) && row.status !== 'skipped') {
        expect(row.ratio, row.id).toBeGreaterThan(0)
        expect(row.measured, row.id).toMatch(/\d/)
        expect(row.baseline, row.id).toMatch(/\d/)
      }
    }
  })

  it('counts the key and token fetches (figures 4 and 5) and the heap (figure 6)', () => {
    const byId = new Map(report.rows.map((row) => [row.id, row]))
    for (const id of ['4a.steady', '4b.in-process', '4b.http', '5.client', '6.fetches']) {
      expect(byId.get(id)?.measured, id).toMatch(/\d/)
    }
    const heap = byId.get('6.heap')?.data as { before: number; after: number; peak: number; accepted: number }
    expect(heap.before).toBeGreaterThan(0)
    expect(heap.peak).toBeGreaterThanOrEqual(heap.before)
    expect(heap.accepted).toBe(0)
  })

  it('prints the table with a line per row and the summary, and never prints a token', () => {
    expect(stdout).toContain('comparison')
    for (const row of report.rows) expect(stdout).toContain(row.title)
    expect(stdout).toMatch(/pass \d+, miss \d+, error 0, skipped \d+/)
    expect(`${stdout}${stderr}`).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/)
  })
})
