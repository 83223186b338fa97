/**
 * github-oidc: verify GitHub Actions OIDC tokens. The core is framework-free; adapters live under
 * `github-oidc/<framework>`, the job side under `github-oidc/client`, the local issuer under
 * `github-oidc/testing`.
 */
export type { AuthorizationInput } from './core/bearer.js'
export { readBearerToken } from './core/bearer.js'
export type { GitHubActionsClaimName, GitHubActionsClaims } from './core/claims.js'
export { IDENTITY_CLAIMS } from './core/claims.js'
export type { GitHubOidcErrorCode, GitHubOidcErrorDetails, TokenInvalidCode } from './core/errors.js'
export {
  GitHubOidcError,
  isGitHubOidcError,
  KeysUnavailableError,
  PolicyDeniedError,
  RequestInvalidError,
  TokenInvalidError,
  TokenMissingError,
} from './core/errors.js'
export type { HttpErrorOptions, HttpErrorResponse } from './core/http.js'
export { DEFAULT_REALM, toHttpError } from './core/http.js'
export * from './core/openapi.js'
export type { JwksCache, JwksCacheEntry, KeysOptions, VerifierOptions } from './core/options.js'
export { GITHUB_ISSUER } from './core/options.js'
export * from './core/pins.js'
export type {
  ClaimMatcher,
  ClaimPredicate,
  CompiledPolicy,
  Policy,
  PolicyClaimName,
  PolicyRule,
} from './core/policy.js'
export { allOf, compilePolicy } from './core/policy.js'
export type { Verifier } from './core/verify.js'
export { createVerifier } from './core/verify.js'
