/**
 * `github-oidc/testing`: a local stand-in for GitHub's OIDC issuer, for this project's tests and
 * for users testing their own servers and jobs without GitHub (DESIGN §6). Node.js only.
 *
 * @example
 * import { createMockIssuer } from 'github-oidc/testing'
 * const mock = await createMockIssuer()
 * const token = mock.mint({ repository: 'acme/api' }, { audience: 'https://api.example.com' })
 * await mock.close()
 *
 * @module
 */
export type { FailOptions, FaultMode, MockEndpoint } from './faults.js'
export { createMockIssuer } from './issuer.js'
export type { MintOptions } from './mint.js'
export { isPresetName, type MockClaims, type PresetClaims, type PresetName, presets } from './presets.js'
export type { MockIssuer, MockIssuerOptions } from './types.js'
