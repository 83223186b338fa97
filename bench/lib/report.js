// @ts-check
/**
 * The report: one row per figure, as a table on stdout and as JSON. Ratios are medians of the
 * per-run ratios (each run pairs a measurement with its baseline taken minutes apart at most).
 */
import { median, round } from './stats.js'

/**
 * @typedef {'pass' | 'miss' | 'info' | 'skipped' | 'error'} Status
 *
 * @typedef {object} Row
 * @property {string} id        stable key, e.g. `1.ours-vs-floor`
 * @property {string} figure    DESIGN §8 figure, e.g. `1 distinct tokens, one core`
 * @property {string} title     what is compared
 * @property {string} measured  human value of the subject
 * @property {string} baseline  human value of the baseline (with its name)
 * @property {number | null} ratio
 * @property {number | null} [cpuRatio]  HTTP rows: baseline's server CPU per request ÷ the subject's
 * @property {string} target    human target, `—` for context rows
 * @property {Status} status
 * @property {string} [note]    why skipped / what went wrong
 * @property {Record<string, unknown>} data  raw numbers for the JSON report
 */

/**
 * A throughput comparison: medians of subject and baseline, median of per-run ratios.
 * @param {{ id: string, figure: string, title: string, subject: string, baseline: string, subjectRates: number[], baselineRates: number[], target?: number, unit: string }} spec
 * @returns {Row}
 */
export function ratioRow(spec) {
  const ratios = spec.subjectRates.map((rate, run) => rate / (spec.baselineRates[run] ?? Number.NaN))
  const ratio = median(ratios)
  const target = spec.target
  /** @type {Status} */
  const status = target === undefined ? 'info' : !Number.isFinite(ratio) ? 'error' : ratio >= target ? 'pass' : 'miss'
  return {
    id: spec.id,
    figure: spec.figure,
    title: spec.title,
    measured: `${spec.subject} ${formatRate(median(spec.subjectRates))}${spec.unit}`,
    baseline: `${spec.baseline} ${formatRate(median(spec.baselineRates))}${spec.unit}`,
    ratio: Number.isFinite(ratio) ? round(ratio, 3) : null,
    target: target === undefined ? '—' : `≥ ${target.toFixed(2)}`,
    status,
    data: {
      subject: spec.subject,
      baseline: spec.baseline,
      unit: spec.unit.trim(),
      subjectRates: spec.subjectRates.map((rate) => round(rate, 1)),
      baselineRates: spec.baselineRates.map((rate) => round(rate, 1)),
      ratios: ratios.map((value) => round(value, 4)),
      target: target ?? null,
    },
  }
}

/** @param {number} rate */
export function formatRate(rate) {
  if (!Number.isFinite(rate)) return 'n/a'
  return Math.round(rate).toLocaleString('en-US')
}

const COLUMNS = /** @type {const} */ ([
  ['figure', 'figure'],
  ['title', 'comparison'],
  ['measured', 'measured'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['cpuRatio', 'CPU ratio'],
  ['target', 'target'],
  ['status', 'result'],
])

/**
 * The human table, plain text (monospace), one line per row, notes underneath.
 * @param {readonly Row[]} rows
 */
export function formatTable(rows) {
  /** @type {string[][]} */
  const cells = [COLUMNS.map(([, head]) => head)]
  let lastFigure = ''
  for (const row of rows) {
    cells.push(
      COLUMNS.map(([key]) => {
        if (key === 'figure') {
          const text = row.figure === lastFigure ? '' : row.figure
          lastFigure = row.figure
          return text
        }
        if (key === 'ratio' || key === 'cpuRatio') {
          const value = row[key]
          return value === null || value === undefined ? '—' : value.toFixed(2)
        }
        if (key === 'status')
          return row.status === 'pass' || row.status === 'miss' ? row.status.toUpperCase() : row.status
        return String(row[key])
      }),
    )
  }
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? '').length)))
  const lines = cells.map((line) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  )
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '))
  const notes = rows.filter((row) => row.note !== undefined).map((row) => `  ${row.id}: ${row.note}`)
  return [...lines, ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n')
}
