import { randomUUID } from 'node:crypto'
import { type KeyRing, signCompact } from './keys.js'
import { applyOverrides, isPresetName, type MockClaims, type PresetName, presets } from './presets.js'

/** How `mint()` builds a token, besides its claims. */
export interface MintOptions {
  /** The claim preset to start from. Default `'push'`. */
  readonly preset?: PresetName
  /**
   * The `aud` claim (an `aud` in the claims wins). Default the issuer's `defaultAudience`, else
   * `https://github.com/<repository_owner>` as GitHub does when a job asks for no audience.
   */
  readonly audience?: string
  /** Seconds from `iat` to `exp`. Default `300` (GitHub's usual 5 minutes). */
  readonly expiresIn?: number
  /** `iat`, seconds since the epoch. Default the issuer's clock (`now`). `nbf` is 5 minutes earlier. */
  readonly issuedAt?: number
  /** Header fields added to or replacing `{ alg, kid, typ, x5t }` (`undefined` removes one). Default none. */
  readonly header?: Readonly<Record<string, unknown>>
  /** Sign with this key, published or dropped, that the issuer generated. Default the current key. */
  readonly kid?: string
}

/** What minting needs from the issuer. */
export interface MintContext {
  readonly issuer: string
  readonly now: () => Date
  readonly defaultAudience: string | undefined
  readonly keys: KeyRing
}

/** GitHub back-dates `nbf` by 5 minutes or more (shared/fixtures/github-real). */
const NBF_BACKDATE = 300

/** Builds and signs an ID token like GitHub's: claims sorted by name, as in its 2025 format. */
export function mintToken(context: MintContext, claims: MockClaims = {}, options: MintOptions = {}): string {
  const preset = options.preset ?? 'push'
  if (!isPresetName(preset)) throw new TypeError(`mint: options.preset: unknown preset ${JSON.stringify(preset)}`)
  const key = options.kid === undefined ? context.keys.current : context.keys.find(options.kid)
  if (key === undefined) throw new TypeError('mint: options.kid: not a key this issuer generated')
  const iat = options.issuedAt ?? Math.floor(context.now().getTime() / 1000)
  const expiresIn = options.expiresIn ?? 300
  if (!Number.isFinite(iat)) throw new TypeError('mint: options.issuedAt (or the clock) must be a finite number')
  if (!Number.isFinite(expiresIn)) throw new TypeError('mint: options.expiresIn must be a finite number')
  if (options.audience !== undefined && typeof options.audience !== 'string') {
    throw new TypeError('mint: options.audience must be a string')
  }

  const payload: Record<string, unknown> = {
    iss: context.issuer,
    jti: randomUUID(),
    iat,
    nbf: iat - NBF_BACKDATE,
    exp: iat + expiresIn,
    ...applyOverrides(presets[preset], claims),
  }
  if (!Object.hasOwn(claims, 'aud')) {
    const owner = payload.repository_owner
    payload.aud =
      options.audience ?? context.defaultAudience ?? `https://github.com${typeof owner === 'string' ? `/${owner}` : ''}`
  }
  const sorted = Object.fromEntries(
    Object.entries(payload)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  )
  const header = { alg: 'RS256', kid: key.kid, typ: 'JWT', x5t: key.x5t, ...options.header }
  return signCompact(key.privateKey, header, sorted)
}
