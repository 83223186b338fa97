import type { CliIo } from './io.js'

/** An option as `node:util` `parseArgs` takes it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly multiple?: boolean
  readonly short?: string
}

/** The parsed command line of one command. */
export interface Args {
  readonly positionals: readonly string[]
  /** The last value of a string option. */
  string(name: string): string | undefined
  /** Every value of a string option, in order. */
  strings(name: string): readonly string[]
  flag(name: string): boolean
}

/** One CLI command: one file under `commands/`, a thin layer over the library. */
export interface Command {
  readonly name: string
  /** One line for the top-level help. */
  readonly summary: string
  /** The full `--help` text. */
  readonly help: string
  /** Options besides `--help`, which every command has. */
  readonly options: Readonly<Record<string, OptionSpec>>
  /** Names of the required positional arguments, e.g. `['<token|->']`; no others are accepted. */
  readonly positionals: readonly string[]
  /** Resolves with the exit code; throws `UsageError` for a bad command line. */
  run(args: Args, io: CliIo): Promise<number>
}
