import type { ClientOptions } from '../../src/client/index.js'
import type { MockIssuer } from '../../src/testing/index.js'

/** The claims of a compact JWT, decoded without verification (assertions only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
}

/** Client options against `kit` with recorded, instant waits and a fixed jitter. */
export function against(kit: MockIssuer, extra: ClientOptions = {}): ClientOptions & { sleeps: number[] } {
  const sleeps: number[] = []
  return {
    env: { ...kit.env },
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    sleeps,
    ...extra,
  }
}
