import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Args, Command, OptionSpec } from './command.js'
import { call } from './commands/call.js'
import { decode } from './commands/decode.js'
import { header } from './commands/header.js'
import { mockIssuer } from './commands/mock-issuer.js'
import { serve } from './commands/serve.js'
import { token } from './commands/token.js'
import { verify } from './commands/verify.js'
import { type CliIo, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, println, UsageError } from './io.js'

export type { CliIo } from './io.js'

/** Every command, in the order of the help. */
export const COMMANDS: readonly Command[] = [token, header, decode, verify, serve, call, mockIssuer]

const HELP = `github-oidc: get, inspect and verify GitHub Actions OIDC tokens

Usage: github-oidc <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(14)}${command.summary}`).join('\n')}

Options:
  -h, --help      show help (also: github-oidc <command> --help)
  -v, --version   show the version

Exit codes: 0 ok, 1 rejected or failed, 2 usage error.
`

/**
 * Runs the CLI: `argv` without `node` and the script, `io` the streams and environment to use.
 * Resolves with the exit code; never exits the process (the bin entry sets `process.exitCode`).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined) return usage(io, 'missing command')
  if (first === '-h' || first === '--help') return help(io, HELP)
  if (first === '-v' || first === '--version') return help(io, `${version()}\n`)
  if (first === 'help') {
    const command = rest[0] === undefined ? undefined : findCommand(rest[0])
    return command === undefined && rest[0] !== undefined
      ? usage(io, `unknown command '${rest[0]}'`)
      : help(io, command?.help ?? HELP)
  }
  const command = findCommand(first)
  if (command === undefined) return usage(io, `unknown command '${first}'`)
  let args: Args
  try {
    args = parseCommandLine(command, rest)
  } catch (error) {
    return usage(io, (error as Error).message, command)
  }
  if (args.flag('help')) return help(io, command.help)
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message, command)
    // Library errors never carry a token in their message.
    println(io.stderr, `github-oidc ${command.name}: ${error instanceof Error ? error.message : String(error)}`)
    return EXIT_REJECTED
  }
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name)
}

/**
 * Parses a command's arguments like `main` does, without running it: throws on an unknown flag, a
 * missing value or a wrong number of positionals (the README test checks its shell examples so).
 */
export function parseCommandLine(command: Command, argv: readonly string[]): Args {
  const options: Record<string, OptionSpec> = { ...command.options, help: { type: 'boolean', short: 'h' } }
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  const read = (name: string): unknown[] => {
    const value = (values as Record<string, unknown>)[name]
    return value === undefined ? [] : Array.isArray(value) ? value : [value]
  }
  const args: Args = {
    positionals,
    string: (name) =>
      read(name)
        .filter((value) => typeof value === 'string')
        .at(-1),
    strings: (name) => read(name).filter((value) => typeof value === 'string'),
    flag: (name) => read(name).includes(true),
  }
  if (args.flag('help')) return args
  const expected = command.positionals
  if (positionals.length < expected.length) throw new UsageError(`missing ${expected[positionals.length]}`)
  if (positionals.length > expected.length) {
    throw new UsageError(`unexpected argument '${positionals[expected.length]}'`)
  }
  return args
}

function help(io: CliIo, text: string): number {
  io.stdout.write(text)
  return EXIT_OK
}

function usage(io: CliIo, message: string, command?: Command): number {
  const name = command === undefined ? 'github-oidc' : `github-oidc ${command.name}`
  println(io.stderr, `${name}: ${message}`)
  println(io.stderr, `Run '${name} --help' for usage.`)
  return EXIT_USAGE
}

function version(): string {
  // `src/cli` and `dist/cli` are both two levels below package.json.
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  return String((pkg as { version?: unknown }).version)
}
