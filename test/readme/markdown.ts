/** A fenced code block of the README. */
export interface CodeBlock {
  /** The first word of the info string (`ts`, `sh`, `yaml`, `mermaid`). */
  readonly lang: string
  /** The words after it (`run` marks a TypeScript block that is also executed). */
  readonly flags: readonly string[]
  readonly code: string
  /** 1-based line of the opening fence. */
  readonly line: number
}

/** Every ``` fenced block, in order. An unclosed fence is an error, not a silently skipped block. */
export function extractBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(.*)$/.exec(lines[index]!)
    if (open === null) continue
    const [lang = '', ...flags] = open[1]!.trim().split(/\s+/)
    const start = index
    const body: string[] = []
    for (index++; index < lines.length && lines[index] !== '```'; index++) body.push(lines[index]!)
    if (index >= lines.length) throw new Error(`README.md:${start + 1}: unclosed code fence`)
    blocks.push({ lang, flags: flags.filter((flag) => flag !== ''), code: `${body.join('\n')}\n`, line: start + 1 })
  }
  return blocks
}

/** The `## ` headings, in order. */
export function headings(markdown: string): string[] {
  return withoutCode(markdown)
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3).trim())
}

/** Every heading (`#` to `######`), for anchors into any markdown file. */
export function headingsOf(markdown: string): string[] {
  return withoutCode(markdown)
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, '').trim())
}

/** The text of the `## title` section, up to the next `## `. */
export function section(markdown: string, title: string): string {
  const text = withoutCode(markdown, true)
  const start = text.indexOf(`\n## ${title}\n`)
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The rows of the first markdown table in `text`, as trimmed cells (header and rule dropped). */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  if (first < 0) return []
  const rows: string[][] = []
  for (let index = first + 2; index < lines.length && lines[index]!.startsWith('|'); index++) {
    // `\|` inside a cell is a literal bar.
    const cells = lines[index]!.split(/(?<!\\)\|/).slice(1, -1)
    rows.push(cells.map((cell) => cell.replace(/\\\|/g, '|').trim()))
  }
  return rows
}

/** The markdown with fenced blocks blanked (kept, if `keep`), so headings inside code are not seen. */
function withoutCode(markdown: string, keep = false): string {
  if (keep) return `\n${markdown}`
  return `\n${markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')}`
}
