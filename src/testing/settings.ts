import type { MockIssuerOptions } from './types.js'

/** The validated options of a mock issuer, defaults applied. */
export interface Settings {
  readonly port: number
  readonly now: () => Date
  readonly defaultAudience: string | undefined
  readonly keyBits: number
  readonly slowMs: number
  readonly enterprise: string | undefined
}

/** Validates options once, at start: a bad option is a `TypeError` that names it. */
export function validate(options: MockIssuerOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: must be an object')
  const { port = 0, now = () => new Date(), defaultAudience, keyBits = 2048, slowMs = 10_000 } = options
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('options.port: must be an integer from 0 to 65535')
  }
  if (typeof now !== 'function') throw new TypeError('options.now: must be a function returning a Date')
  if (defaultAudience !== undefined && (typeof defaultAudience !== 'string' || defaultAudience === '')) {
    throw new TypeError('options.defaultAudience: must be a non-empty string')
  }
  if (!Number.isFinite(slowMs) || slowMs < 0) throw new TypeError('options.slowMs: must be a non-negative number')
  for (const name of ['tokenClaims', 'tokenOptions'] as const) {
    const value = options[name]
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      throw new TypeError(`options.${name}: must be an object`)
    }
  }
  const { enterprise } = options
  if (enterprise !== undefined && (typeof enterprise !== 'string' || !/^[A-Za-z0-9-]+$/.test(enterprise))) {
    throw new TypeError('options.enterprise: must be an enterprise slug of letters, digits and "-"')
  }
  return { port, now, defaultAudience, keyBits: checkBits(keyBits, 'options.keyBits'), slowMs, enterprise }
}

/**
 * RSA modulus lengths Node.js generates in reasonable time. Below 2048 is allowed on purpose, so
 * tests can prove that a verifier refuses weak keys.
 */
export function checkBits(bits: number, name: string): number {
  if (!Number.isInteger(bits) || bits < 512 || bits > 8192 || bits % 8 !== 0) {
    throw new TypeError(`${name}: must be a multiple of 8 from 512 to 8192`)
  }
  return bits
}
