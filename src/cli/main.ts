#!/usr/bin/env node
/**
 * The `github-oidc` bin. The only place in the CLI that touches `process`: it wires the real
 * streams, environment and signals into `main`, and sets the exit code (it never calls
 * `process.exit`, so pending output is flushed).
 */
import { main } from './program.js'

const controller = new AbortController()
const stop = () => controller.abort()
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Lazy: touching `process.stdin` before it is needed could hold the process open on a TTY.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  },
  (error: unknown) => {
    process.stderr.write(`github-oidc: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
