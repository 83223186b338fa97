/**
 * Every code block of README.md is compiled or run here, so the docs cannot drift from the code:
 *
 * - `ts` blocks are type-checked in-process against `src/` (test/readme/typecheck.ts), strict, as
 *   the project is; blocks that say `ts run` are also executed with Node against the build.
 *   axios, got and ky are not installed: their blocks compile against type stubs of the subset of
 *   their real API that the README uses (test/readme/stubs.d.ts).
 * - `sh` blocks: every command they name must exist: npm scripts in package.json, `github-oidc`
 *   commands parsed by the CLI's own parser, flags and arguments included (test/readme/shell.ts).
 * - `yaml` blocks are parsed; a workflow must grant `id-token: write`, and its `run` steps are
 *   checked like `sh` blocks.
 * - `mermaid` blocks are left alone; `text` blocks may only hold benchmark output copied verbatim
 *   from bench/README.md. A block in any other language fails the test.
 *
 * Besides the blocks: the sections come in the order issue 5 lists, local links and anchors resolve,
 * the error table equals what `toHttpError` answers, the CLI table names every command, and the
 * performance table is copied from bench/README.md, never typed in.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { COMMANDS } from '../src/cli/program.js'
import {
  type GitHubOidcError,
  type GitHubOidcErrorCode,
  KeysUnavailableError,
  PolicyDeniedError,
  RequestInvalidError,
  TokenInvalidError,
  TokenMissingError,
  toHttpError,
} from '../src/index.js'
import { extractBlocks, headings, headingsOf, section, slug, tableRows } from './readme/markdown.js'
import { checkShell } from './readme/shell.js'
import { typeCheck } from './readme/typecheck.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const README = readFileSync(`${ROOT}README.md`, 'utf8')
const PACKAGE = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }
const blocks = extractBlocks(README)
const byLang = (...langs: string[]) => blocks.filter((block) => langs.includes(block.lang))
const name = (block: { lang: string; line: number }) => `${block.lang} block at README.md:${block.line}`

describe('README.md', () => {
  it('has the sections of issue 5, in its order', () => {
    expect(headings(README)).toEqual([
      'From a fresh clone',
      'Install',
      'Server quick start',
      'Choosing a policy',
      'The authentication flow',
      'The client, inside a job',
      'The testing kit',
      'The CLI',
      'Errors',
      'Differences from the Python original',
      'Performance',
    ])
    // The pitch comes first, then the two commands for a fresh clone.
    expect(README.indexOf('npm ci && npm run demo')).toBeLessThan(README.indexOf('## Install'))
  })

  it('labels every code block with a language this test checks', () => {
    expect(blocks.length).toBeGreaterThan(10)
    for (const block of blocks) expect(['ts', 'sh', 'yaml', 'mermaid', 'text'], name(block)).toContain(block.lang)
    // `text` is only for the benchmark output, copied from bench/README.md (checked below).
    const performance = README.indexOf('\n## Performance\n')
    for (const block of byLang('text')) expect(README.indexOf(block.code), name(block)).toBeGreaterThan(performance)
    for (const block of blocks) {
      const allowed = block.lang === 'ts' ? ['run'] : []
      for (const flag of block.flags) expect(allowed, name(block)).toContain(flag)
    }
  })

  it('links only to files and headings that exist', () => {
    const anchors = new Set(headings(README).map(slug))
    const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)
    for (const link of links) {
      if (/^https?:\/\//.test(link)) continue
      const [file = '', anchor] = link.split('#')
      if (file === '') expect(anchors, link).toContain(anchor)
      else expect(existsSync(`${ROOT}${file}`), link).toBe(true)
      if (file.endsWith('.md') && anchor !== undefined) {
        expect(headingsOf(readFileSync(`${ROOT}${file}`, 'utf8')).map(slug), link).toContain(anchor)
      }
    }
  })
})

describe('README.md TypeScript blocks', () => {
  const tsBlocks = byLang('ts')
  const fileOf = (line: number) => `${ROOT}test/readme/.generated/block-${line}.ts`
  let diagnostics: Map<string, string[]>

  // Blocks that must NOT compile: proof that the checker sees the source, the strict options and the stubs.
  const broken = new Map([
    [fileOf(-1), "import { getActionsHeadr } from 'github-oidc/client'\n"],
    [
      fileOf(-2),
      "import type { GitHubActionsClaims } from 'github-oidc'\nexport const id: number = ({} as GitHubActionsClaims).repository_id\n",
    ],
    [fileOf(-3), "import axios from 'axios'\nawait axios.post(42)\n"],
    [
      fileOf(-4),
      "import { githubOidc } from 'github-oidc/express'\ngithubOidc({ audience: 'a', policy: { repositry: 'x' } })\n",
    ],
  ])

  beforeAll(() => {
    const files = new Map(
      tsBlocks.map((block) => [
        fileOf(block.line),
        /^\s*(import|export) /m.test(block.code) ? block.code : `${block.code}export {}\n`,
      ]),
    )
    diagnostics = typeCheck(ROOT, new Map([...files, ...broken]))
  }, 120_000)

  it('the checker itself reports a misspelled export, a wrong claim type, a misused stub and a mistyped claim name', () => {
    expect(diagnostics.get(fileOf(-1))?.join('\n')).toMatch(/has no exported member named 'getActionsHeadr'/)
    expect(diagnostics.get(fileOf(-2))?.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/)
    expect(diagnostics.get(fileOf(-3))?.join('\n')).toMatch(/'number' is not assignable to parameter of type 'string'/)
    expect(diagnostics.get(fileOf(-4))?.join('\n')).toMatch(/'repositry'/)
  })

  it('type stubs for axios, got and ky compile', () => {
    expect(diagnostics.get('stubs')).toEqual([])
  })

  it.each(tsBlocks.map((block) => [name(block), block] as const))('%s compiles', (_, block) => {
    expect(diagnostics.get(fileOf(block.line))).toEqual([])
  })

  const runnable = tsBlocks.filter((block) => block.flags.includes('run'))
  it('marks the testing kit and policy examples as runnable', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(2)
  })

  it.each(runnable.map((block) => [name(block), block] as const))(
    '%s runs with Node against the build',
    async (_, block) => {
      const code = await runBlock(block.code)
      expect(code.stderr).toBe('')
      expect(code.exit).toBe(0)
    },
  )
})

describe('README.md shell and YAML blocks', () => {
  it.each(byLang('sh').map((block) => [name(block), block] as const))(
    '%s names only commands that exist',
    (_, block) => {
      expect(checkShell(block.code, PACKAGE.scripts)).toEqual([])
    },
  )

  it('the shell checker itself refuses what does not exist', () => {
    expect(checkShell('npm run nope', PACKAGE.scripts)).toEqual(['no npm script "nope": npm run nope'])
    expect(checkShell('github-oidc verify - --audiance x', PACKAGE.scripts)[0]).toMatch(/Unknown option '--audiance'/)
    expect(checkShell('echo "$(github-oidc frob)"', PACKAGE.scripts)).toEqual([
      'unchecked program "echo": echo "SUBSTITUTED"',
      'no github-oidc command "frob": github-oidc frob',
    ])
    expect(checkShell('github-oidc verify --audience x < token.jwt', PACKAGE.scripts)[0]).toMatch(/missing <token\|->/)
  })

  it.each(byLang('yaml').map((block) => [name(block), block] as const))(
    '%s is a workflow granting id-token: write whose run steps exist',
    (_, block) => {
      const workflow = parseYaml(block.code) as {
        permissions?: Record<string, string>
        jobs: Record<string, { permissions?: Record<string, string>; steps: { run?: string }[] }>
      }
      for (const job of Object.values(workflow.jobs)) {
        expect((job.permissions ?? workflow.permissions)?.['id-token']).toBe('write')
        for (const step of job.steps)
          if (step.run !== undefined) expect(checkShell(step.run, PACKAGE.scripts)).toEqual([])
      }
    },
  )
})

describe('README.md tables', () => {
  it('the error table is what toHttpError answers, for every error code', () => {
    const rows = tableRows(section(README, 'Errors'))
    const codes = rows.map(([code]) => code!.replace(/`/g, ''))
    expect(codes).toEqual(ALL_CODES)
    for (const [code, status, challenge] of rows) {
      const http = toHttpError(errorFor(code!.replace(/`/g, '') as GitHubOidcErrorCode))
      expect(`${http.status}`, code).toBe(status)
      const header = http.headers['www-authenticate']
      if (header === undefined) {
        expect(challenge, code).toBe('none; `Retry-After` instead')
        expect(http.headers['retry-after'], code).toMatch(/^\d+$/)
      } else {
        expect(challenge, code).toBe(`\`${header.replace(/error_description="[^"]*"/, 'error_description="…"')}\``)
      }
    }
  })

  it('the framework table names every adapter entry point of package.json, with its example', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { exports: Record<string, unknown> }
    const adapters = Object.keys(pkg.exports)
      .filter((subpath) => !['.', './client', './testing', './package.json'].includes(subpath))
      .map((subpath) => `github-oidc/${subpath.slice(2)}`)
    const rows = tableRows(section(README, 'Server quick start'))
    expect(rows.map((row) => row[1]!.replace(/`/g, '')).sort()).toEqual(adapters.sort())
    for (const [, entry, , example] of rows) {
      const adapter = entry!.replace(/^`github-oidc\/|`$/g, '')
      expect(example).toBe(`[examples/${adapter}.ts](examples/${adapter}.ts)`)
    }
  })

  it('the CLI table names every command', () => {
    const cli = tableRows(section(README, 'The CLI')).map(([usage]) => usage!)
    expect(cli.map((usage) => /^`github-oidc ([\w-]+)/.exec(usage)?.[1])).toEqual(
      COMMANDS.map((command) => command.name),
    )
  })

  it('the performance figures are copied from bench/README.md, never typed in', () => {
    const text = section(README, 'Performance')
    expect(text).toContain('npm run bench')
    expect(text).toContain('](bench/README.md)')
    const bench = readFileSync(`${ROOT}bench/README.md`, 'utf8')
    const tableLines = text.split('\n').filter((line) => line.startsWith('|'))
    for (const line of tableLines) expect(bench, line).toContain(line)
    const copied = byLang('text')
    expect(copied.length).toBeGreaterThan(0)
    for (const block of copied) expect(bench, name(block)).toContain(`\`\`\`text\n${block.code}\`\`\``)
  })
})

const ALL_CODES: GitHubOidcErrorCode[] = [
  'ERR_TOKEN_MISSING',
  'ERR_REQUEST_INVALID',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_ALGORITHM',
  'ERR_TOKEN_SIGNATURE',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_TOKEN_ISSUER',
  'ERR_TOKEN_AUDIENCE',
  'ERR_TOKEN_CLAIMS',
  'ERR_POLICY_DENIED',
  'ERR_KEYS_UNAVAILABLE',
]

function errorFor(code: GitHubOidcErrorCode): GitHubOidcError {
  switch (code) {
    case 'ERR_TOKEN_MISSING':
      return new TokenMissingError()
    case 'ERR_REQUEST_INVALID':
      return new RequestInvalidError('two Authorization headers')
    case 'ERR_POLICY_DENIED':
      return new PolicyDeniedError()
    case 'ERR_KEYS_UNAVAILABLE':
      return new KeysUnavailableError('down')
    default:
      return new TokenInvalidError(code, 'a description')
  }
}

/**
 * Runs a block with Node: transpiled to JavaScript, its `github-oidc/*` imports pointed at the
 * build (as the package resolves itself through `exports`), in a file in the OS temp directory.
 */
async function runBlock(source: string): Promise<{ exit: number | null; stderr: string }> {
  const built = `${ROOT}dist/index.js`
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`)
  const resolve = createRequire(`${ROOT}package.json`).resolve
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  const code = outputText.replace(/from '(github-oidc(?:\/[\w-]+)?)'/g, (_, specifier: string) => {
    return `from '${pathToFileURL(resolve(specifier)).href}'`
  })
  const directory = mkdtempSync(`${tmpdir()}/github-oidc-readme-`)
  try {
    writeFileSync(`${directory}/block.mjs`, code)
    const child = spawn(process.execPath, [`${directory}/block.mjs`], { stdio: 'pipe', timeout: 20_000 })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.stdout.resume()
    const exit = await new Promise<number | null>((done, fail) => {
      child.once('error', fail)
      child.once('close', done)
    })
    return { exit, stderr }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
