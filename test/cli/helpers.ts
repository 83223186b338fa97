import { main } from '../../src/cli/program.js'

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly stdin?: string
  readonly fetch?: typeof fetch
  readonly signal?: AbortSignal
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** An in-memory `io` for `main`, and what was written to it. */
export function createIo(options: RunOptions = {}) {
  const out: string[] = []
  const err: string[] = []
  const io = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: options.env ?? {},
    ...(options.stdin === undefined ? {} : { stdin: toStream(options.stdin) }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  }
  return { io, stdout: () => out.join(''), stderr: () => err.join('') }
}

async function* toStream(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text)
}

/** Runs the CLI in-process to completion. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { io, stdout, stderr } = createIo(options)
  const code = await main(argv, io)
  return { code, stdout: stdout(), stderr: stderr() }
}

/**
 * Starts a long-running command (serve, mock-issuer) in-process, waits until its stdout matches
 * `ready`, and returns the match and `stop()` (aborts it and resolves with its result).
 */
export async function start(argv: readonly string[], ready: RegExp, options: RunOptions = {}) {
  const controller = new AbortController()
  const { io, stdout, stderr } = createIo({ ...options, signal: controller.signal })
  const exit = main(argv, io)
  let finished: number | undefined
  void exit.then((code) => {
    finished = code
  })
  const deadline = Date.now() + 10_000
  let match = ready.exec(stdout())
  while (match === null) {
    if (finished !== undefined) throw new Error(`exited ${finished} before ready: ${stderr()}`)
    if (Date.now() > deadline) throw new Error(`not ready after 10 s: ${stdout()} ${stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
    match = ready.exec(stdout())
  }
  return {
    match,
    stdout,
    stderr,
    async stop(): Promise<RunResult> {
      controller.abort()
      return { code: await exit, stdout: stdout(), stderr: stderr() }
    },
  }
}

/** The segments of a compact JWT, decoded (test side, no verification). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
}
