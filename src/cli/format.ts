/**
 * Human output. Claim values come from tokens, which anyone can craft: every value is printed with
 * control characters escaped, so a token cannot move the cursor or recolour a terminal.
 */

/** Identity first, as a reader looks for it; the other claims follow by name. */
const LEADING = ['iss', 'aud', 'sub', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id']
const TIMES = new Set(['exp', 'iat', 'nbf'])

/** A two-column table of claims, with `exp`/`iat`/`nbf` shown as dates relative to `now` (ms). */
export function claimsTable(claims: Readonly<Record<string, unknown>>, now: number): string {
  const names = Object.keys(claims)
  const ordered = [
    ...LEADING.filter((name) => names.includes(name)),
    ...names.filter((name) => !LEADING.includes(name) && !TIMES.has(name)).sort(),
    ...['iat', 'nbf', 'exp'].filter((name) => names.includes(name)),
  ]
  return table(ordered.map((name) => [name, formatValue(name, claims[name], now)]))
}

export function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([name]) => safe(name).length))
  return rows.map(([name, value]) => `  ${safe(name).padEnd(width)}  ${value}`).join('\n')
}

function formatValue(name: string, value: unknown, now: number): string {
  if (TIMES.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    return `${value}  ${isoSeconds(value)} (${relative(value * 1000 - now)})`
  }
  if (typeof value === 'string') return value === '' ? "''" : safe(value)
  return safe(JSON.stringify(value) ?? String(value))
}

/** `2025-03-29T14:00:00Z` for epoch seconds. */
export function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z')
}

/** `in 5 min`, `3 h ago` or `now`. */
export function relative(ms: number): string {
  if (Math.abs(ms) < 1000) return 'now'
  const text = duration(Math.abs(ms) / 1000)
  return ms >= 0 ? `in ${text}` : `${text} ago`
}

/** `42 s`, `3 min`, `6 h`, `12 days`, rounded. */
export function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172_800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86_400)} days`
}

/** Escapes control characters (C0, DEL, C1) and the line/paragraph separators. */
export function safe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** Like `safe`, keeping line breaks and tabs: for multi-line text such as an HTTP body. */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => safe(line.replace(/\r$/, '')).replace(/\\u0009/g, '\t'))
    .join('\n')
}

/**
 * Replaces anything shaped like a JWT (`eyJ…` header, three segments) with `[token redacted]`: debug
 * output shows what a server answered, never a token it echoed back.
 */
export function redactTokens(text: string): string {
  return text.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[token redacted]')
}

/** `'x'` for one expected value, `one of 'x', 'y'` for several. */
export function quoteList(values: unknown): string {
  const list = Array.isArray(values) ? values : [values]
  const quoted = list.map((value) => quote(value))
  return quoted.length === 1 ? quoted[0]! : `one of ${quoted.join(', ')}`
}

export function quote(value: unknown): string {
  return typeof value === 'string' ? `'${safe(value)}'` : safe(JSON.stringify(value) ?? String(value))
}
