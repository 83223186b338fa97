import type { ServerResponse } from 'node:http'

/**
 * A failure the mock issuer can inject, to test outage handling:
 *
 * - `'none'`: no fault (clears the fault of the given endpoints).
 * - `'down'`: the connection is destroyed without an answer.
 * - `'slow'`: the normal answer, after `slowMs` (default 10 s).
 * - `'garbage'`: `200` with `Content-Type: application/json` and a body that is not JSON.
 * - `'500'`, `'429'`: that status with a JSON error body; `429` carries `Retry-After: 1`.
 * - `'oversized'`: `200` with an 8 MiB JSON body, chunked (no `Content-Length` to reject it early).
 * - `'redirect'`: `302` to a copy of the endpoint at another path that answers normally, so a
 *   client that follows redirects succeeds and a test can prove that it does not.
 */
export type FaultMode = 'none' | 'down' | 'slow' | 'garbage' | '500' | '429' | 'oversized' | 'redirect'

/** The endpoints of the mock issuer that faults and counters apply to. */
export type MockEndpoint = 'discovery' | 'jwks' | 'token'

/** Where and how long a fault applies. */
export interface FailOptions {
  /** The endpoints that fail. Default all three. */
  readonly endpoints?: readonly MockEndpoint[]
  /** How many requests (in total, over these endpoints) get the fault before it clears. Default unlimited. */
  readonly times?: number
}

const MODES: readonly FaultMode[] = ['none', 'down', 'slow', 'garbage', '500', '429', 'oversized', 'redirect']
export const ENDPOINTS: readonly MockEndpoint[] = ['discovery', 'jwks', 'token']

interface Rule {
  readonly mode: Exclude<FaultMode, 'none'>
  remaining: number
}

/** The fault currently set per endpoint; one `fail()` call shares its `times` budget. */
export class FaultTable {
  readonly #rules = new Map<MockEndpoint, Rule>()

  set(mode: FaultMode, options: FailOptions = {}): void {
    if (!MODES.includes(mode)) throw new TypeError(`fail: mode must be one of ${MODES.join(', ')}`)
    const endpoints = options.endpoints ?? ENDPOINTS
    if (!Array.isArray(endpoints) || !endpoints.every((name) => ENDPOINTS.includes(name))) {
      throw new TypeError(`fail: options.endpoints must list some of ${ENDPOINTS.join(', ')}`)
    }
    const times = options.times ?? Number.POSITIVE_INFINITY
    if (!(Number.isInteger(times) || times === Number.POSITIVE_INFINITY) || times < 1) {
      throw new TypeError('fail: options.times must be a positive integer')
    }
    const rule = mode === 'none' ? undefined : { mode, remaining: times }
    for (const endpoint of endpoints) {
      if (rule === undefined) this.#rules.delete(endpoint)
      else this.#rules.set(endpoint, rule)
    }
  }

  /** The fault for one request to `endpoint`, spending one of its `times`. */
  take(endpoint: MockEndpoint): Exclude<FaultMode, 'none'> | undefined {
    const rule = this.#rules.get(endpoint)
    if (rule === undefined) return undefined
    rule.remaining -= 1
    if (rule.remaining <= 0) {
      for (const [name, other] of this.#rules) if (other === rule) this.#rules.delete(name)
    }
    return rule.mode
  }
}

const OVERSIZED_BYTES = 8 * 1024 * 1024
let oversized: Buffer | undefined

function oversizedBody(): Buffer {
  if (oversized === undefined) {
    const head = '{"keys":[],"padding":"'
    const tail = '"}'
    oversized = Buffer.alloc(OVERSIZED_BYTES, 'a')
    oversized.write(head, 0)
    oversized.write(tail, OVERSIZED_BYTES - tail.length)
  }
  return oversized
}

/** Answers with a fault other than `'slow'` (which delays the normal answer instead). */
export function sendFault(mode: Exclude<FaultMode, 'none' | 'slow'>, res: ServerResponse, redirectTo: string): void {
  switch (mode) {
    case 'down':
      res.socket?.destroy()
      return
    case 'garbage':
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('<!DOCTYPE html><title>502 Bad Gateway</title>{"keys":')
      return
    case '500':
      res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end('{"message":"Internal Server Error"}')
      return
    case '429':
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' })
      res.end('{"message":"Too Many Requests"}')
      return
    case 'oversized': {
      const body = oversizedBody()
      res.writeHead(200, { 'Content-Type': 'application/json' })
      // Two writes force chunked encoding: the size is only known by reading.
      res.write(body.subarray(0, 1024))
      res.end(body.subarray(1024))
      return
    }
    case 'redirect':
      res.writeHead(302, { Location: redirectTo, 'Content-Type': 'text/plain' })
      res.end('Found')
      return
  }
}
