// @ts-check
/**
 * Child processes of the benchmark: servers under load and single-core measurements. The protocol
 * is one `start` message from the parent and one `ready`/`result` or `error` message back.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pin } from './pin.js'

/**
 * @typedef {object} Child
 * @property {import('node:child_process').ChildProcess} process
 * @property {Promise<any>} reply  the first `ready` or `result` payload
 * @property {boolean} pinned
 * @property {() => Promise<void>} stop
 * @property {() => Promise<{ cpu: NodeJS.CpuUsage, requests: number }>} usage  a server's CPU time and request count
 */

/**
 * Forks `bench/<script>`, pins it, sends it `input` and waits for its first reply.
 * @param {string} script
 * @param {unknown} input
 * @param {{ cores?: string | undefined, execArgv?: string[], timeoutMs?: number }} [options]
 * @returns {Child}
 */
export function startChild(script, input, options = {}) {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url))
  const child = fork(path, [], { execArgv: options.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pinned = options.cores !== undefined && child.pid !== undefined && pin(child.pid, options.cores)
  const timeoutMs = options.timeoutMs ?? 120_000
  const reply = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${script}: no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    timer.unref()
    child.on('message', (/** @type {any} */ message) => {
      clearTimeout(timer)
      if (message?.type === 'usage') return
      if (message?.type === 'error') reject(new Error(`${script}: ${message.message}`))
      else resolve(message?.payload)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${script}: exited (${code ?? signal}) before answering`))
    })
    child.once('error', reject)
  })
  child.send({ type: 'start', input })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let asked = 0
  return {
    process: child,
    reply,
    pinned,
    usage() {
      const id = ++asked
      return new Promise((resolve, reject) => {
        const onMessage = (/** @type {any} */ message) => {
          if (message?.type !== 'usage' || message.id !== id) return
          child.off('message', onMessage)
          resolve({ cpu: message.cpu, requests: message.requests })
        }
        child.on('message', onMessage)
        child.send({ type: 'usage', id }, (error) => {
          if (error) reject(error)
        })
      })
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill()
      await exited
    },
  }
}

/**
 * The child side: runs `main(input)` on the parent's `start` message and sends back its result.
 * Servers stay alive afterwards (the parent kills them); tasks exit.
 * @param {(input: any) => Promise<unknown>} main
 * @param {{ exit: boolean }} options
 */
export function serveParent(main, { exit }) {
  process.once('message', (/** @type {any} */ message) => {
    main(message.input).then(
      (payload) => {
        process.send?.({ type: 'result', payload }, () => {
          if (exit) process.disconnect()
        })
      },
      (error) => {
        process.send?.({ type: 'error', message: error instanceof Error ? error.stack : String(error) }, () => {
          process.exit(1)
        })
      },
    )
  })
}
