import { isCompactJwt } from './jwt.js'

export type Environment = Readonly<Record<string, string | undefined>>

/** Options of every client function. All are optional. */
export interface ClientOptions {
  /** Where `ACTIONS_ID_TOKEN_REQUEST_URL`, `_TOKEN`, `GITHUB_ACTIONS` and `GITHUB_OIDC_TOKEN` are read. Default: `process.env`, read at each call. */
  readonly env?: Environment
  /** The `fetch` used for the token request. Default: the global `fetch`, looked up at each call. */
  readonly fetch?: typeof fetch
  /** Print `::add-mask::<token>` for each new token when `GITHUB_ACTIONS` is `'true'`, so GitHub hides it in the log. Default: `true`. */
  readonly mask?: boolean
  /** Where the mask command is written. Default: `process.stdout.write`. */
  readonly write?: (text: string) => void
  /** A token to hand out instead of requesting one (tests, other CI systems). Default: `GITHUB_OIDC_TOKEN` from `env`, else none. */
  readonly token?: string
  /** Retries after the first attempt, for network errors, timeouts, 408, 429, 5xx and unusable bodies. Default: `4`. */
  readonly retries?: number
  /** Milliseconds one attempt may take, body included. Default: `10_000`. */
  readonly timeout?: number
  /** Milliseconds all attempts and waits together may take; no wait starts that would end past it. Default: `30_000`. */
  readonly maxTotalTime?: number
  /** Source of jitter in [0, 1). Default: `Math.random`. */
  readonly random?: () => number
  /** Waits between attempts. Default: a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>
  /** Clock in epoch milliseconds, for token expiry and the total-time bound. Default: `Date.now`. */
  readonly now?: () => number
}

/** Options after validation: every default filled in except the lazily read `env` and `fetch`. */
export interface ResolvedClientOptions {
  readonly env: Environment | undefined
  readonly fetch: typeof fetch | undefined
  readonly mask: boolean
  readonly write: (text: string) => void
  readonly token: string | undefined
  readonly retries: number
  readonly timeout: number
  readonly maxTotalTime: number
  readonly random: () => number
  readonly sleep: (ms: number) => Promise<void>
  readonly now: () => number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const write = (text: string) => {
  process.stdout.write(text)
}

export function resolveClientOptions(options: ClientOptions = {}, name = 'options'): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name}: must be an object`)
  const { env, token } = options
  if (env !== undefined && (typeof env !== 'object' || env === null)) {
    throw new TypeError(`${name}.env: must be an object of environment variables`)
  }
  if (token !== undefined && !isCompactJwt(token)) throw new TypeError(`${name}.token: must be a compact JWT`)
  if (options.mask !== undefined && typeof options.mask !== 'boolean') {
    throw new TypeError(`${name}.mask: must be a boolean`)
  }
  return Object.freeze({
    env,
    fetch: optionalFunction(options.fetch, `${name}.fetch`),
    mask: options.mask ?? true,
    write: optionalFunction(options.write, `${name}.write`) ?? write,
    token,
    retries: count(options.retries, 4, `${name}.retries`),
    timeout: duration(options.timeout, 10_000, `${name}.timeout`),
    maxTotalTime: duration(options.maxTotalTime, 30_000, `${name}.maxTotalTime`),
    random: optionalFunction(options.random, `${name}.random`) ?? Math.random,
    sleep: optionalFunction(options.sleep, `${name}.sleep`) ?? sleep,
    now: optionalFunction(options.now, `${name}.now`) ?? Date.now,
  })
}

function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name}: must be a function`)
  return value
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0 || value > 10) throw new TypeError(`${name}: must be an integer 0…10`)
  return value
}

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name}: must be a positive number of milliseconds`)
  }
  return value
}
