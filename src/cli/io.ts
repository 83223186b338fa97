/**
 * What a command may touch. The bin entry passes the process's streams and environment; tests pass
 * buffers, an environment of their own, a `fetch` and an `AbortSignal`. Nothing in `src/cli` reads
 * `process` except `main.ts`, so every command runs in-process under test.
 */
export interface CliIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  /** Read by `decode -` and `verify -`. Default: none (reading `-` is then a usage error). */
  readonly stdin?: AsyncIterable<string | Uint8Array>
  readonly env: Readonly<Record<string, string | undefined>>
  /** Used for every HTTP request a command makes (JWKS, token endpoint, `call`). Default: the global `fetch`. */
  readonly fetch?: typeof fetch
  /** Ends `serve` and `mock-issuer` (the bin aborts it on SIGINT and SIGTERM). Default: they run until killed. */
  readonly signal?: AbortSignal
}

/** Exit codes of every command (DESIGN §7). */
export const EXIT_OK = 0
export const EXIT_REJECTED = 1
export const EXIT_USAGE = 2

/** A mistake in the command line: `main` prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export function println(stream: CliIo['stdout'], text = ''): void {
  stream.write(`${text}\n`)
}

/** One JSON document per line, so `--json` output of long-running commands can be streamed. */
export function printJson(io: CliIo, value: unknown): void {
  println(io.stdout, JSON.stringify(value))
}

/** Resolves once `signal` aborts; never, without a signal. */
export function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/** The `fetch` and `env` options shared by the client and the verifier, without `undefined` members. */
export function fetchOption(io: CliIo): { fetch?: typeof fetch } {
  return io.fetch === undefined ? {} : { fetch: io.fetch }
}

/**
 * Runs a library constructor on values from the command line: its `TypeError` (a bad option, named
 * `options.<name>`) is a usage error, renamed after the flag that carried the value.
 */
export function fromCommandLine<T>(build: () => T): T {
  try {
    return build()
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    const message = error.message
      .replace(/^options\.policy\.?/, '--policy-claim ')
      .replace(/^options\.(issuer|audience|port)\b/, '--$1')
    throw new UsageError(message)
  }
}
