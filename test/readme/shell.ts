import { findCommand, parseCommandLine } from '../../src/cli/program.js'

/**
 * Checks the commands a shell example names, without running them: npm scripts exist in
 * package.json, `github-oidc` commands exist and their flags and arguments parse exactly as the CLI
 * parses them (its own `parseCommandLine`). Other programs must be on a short list, so that a new
 * kind of command in the README is a conscious addition here. Returns the problems found.
 */
export function checkShell(script: string, scripts: Readonly<Record<string, string>>): string[] {
  const problems: string[] = []
  const lines = script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
  for (const line of lines) {
    for (const command of commandsOf(line)) {
      const problem = checkCommand(tokenize(command), scripts)
      if (problem !== undefined) problems.push(`${problem}: ${command.trim()}`)
    }
  }
  return problems
}

/** Programs an example may name besides npm, npx and github-oidc; their arguments are not checked. */
const OTHER_PROGRAMS = new Set(['curl', 'node', 'cd', 'git', 'gh', 'export'])

function checkCommand(words: string[], scripts: Readonly<Record<string, string>>): string | undefined {
  while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift()
  const [program, ...args] = words
  if (program === undefined) return undefined
  if (program === 'github-oidc') return checkCli(args)
  if (program === 'npx') return args[0] === 'github-oidc' ? checkCli(args.slice(1)) : 'npx runs only github-oidc here'
  if (program === 'npm') {
    const [verb, name] = args
    if (verb === 'ci' || verb === 'test') return args.length === 1 ? undefined : `unexpected arguments to npm ${verb}`
    if (verb === 'install' || verb === 'i')
      return name === 'github-oidc' ? undefined : 'npm install names another package'
    if (verb === 'run')
      return name !== undefined && Object.hasOwn(scripts, name) ? undefined : `no npm script "${name}"`
    return `unchecked npm command "${verb}"`
  }
  return OTHER_PROGRAMS.has(program) ? undefined : `unchecked program "${program}"`
}

function checkCli(args: string[]): string | undefined {
  const [name, ...rest] = args
  if (name === undefined) return 'github-oidc without a command'
  if (['--help', '-h', '--version', '-v'].includes(name)) return rest.length === 0 ? undefined : 'unexpected arguments'
  const command = findCommand(name)
  if (command === undefined) return `no github-oidc command "${name}"`
  try {
    parseCommandLine(command, rest)
    return undefined
  } catch (error) {
    return `github-oidc ${name}: ${(error as Error).message}`
  }
}

/** The simple commands of a line: each `$(…)` on its own, the rest split at `|`, `&&`, `||` and `;`. */
function commandsOf(line: string): string[] {
  const inner: string[] = []
  let outer = line
  for (let match = /\$\(([^()]*)\)/.exec(outer); match !== null; match = /\$\(([^()]*)\)/.exec(outer)) {
    inner.push(...commandsOf(match[1]!))
    outer = `${outer.slice(0, match.index)}SUBSTITUTED${outer.slice(match.index + match[0].length)}`
  }
  return [...outer.split(/\|\||&&|[|;]/), ...inner]
}

/** Words with quotes removed; redirections (`< file`, `> file`, `2>&1`) dropped. */
function tokenize(command: string): string[] {
  const words = (command.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? []).map((word) => word.replace(/^(["'])(.*)\1$/, '$2'))
  const result: string[] = []
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!
    if (/^\d?[<>]{1,2}(&\d)?$/.test(word)) {
      if (!word.includes('&')) index++
      continue
    }
    if (/^\d?[<>]/.test(word)) continue
    result.push(word)
  }
  return result
}
