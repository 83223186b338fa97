import { GITHUB_ISSUER } from './options.js'

/**
 * OpenAPI 3 security schemes for routes protected by github-oidc, for docs generators
 * (`@fastify/swagger`, `@nestjs/swagger`, Hono's OpenAPI tooling). The Python original declares an
 * `OpenIdConnect` scheme; both shapes are here:
 *
 * - `githubOidcSecurityScheme` (the default to use): `http` + `bearer`, what a caller actually
 *   sends. Swagger UI shows a token field, so a token from `github-oidc token` can be pasted in.
 * - `createOpenIdConnectSecurityScheme(issuer)`: `openIdConnect` pointing at the issuer's discovery
 *   document. It names who issues the tokens, but Swagger UI can obtain none from it: GitHub's
 *   discovery has no authorization endpoint, tokens come only from inside a job.
 *
 * @see https://spec.openapis.org/oas/v3.1.0#security-scheme-object
 */
export interface HttpBearerSecurityScheme {
  readonly type: 'http'
  readonly scheme: 'bearer'
  readonly bearerFormat: 'JWT'
  readonly description: string
}

export interface OpenIdConnectSecurityScheme {
  readonly type: 'openIdConnect'
  readonly openIdConnectUrl: string
  readonly description: string
}

const DESCRIPTION =
  'A GitHub Actions OIDC ID token (`Authorization: Bearer <token>`), requested inside a job with ' +
  '`permissions: id-token: write` for this API’s audience. See ' +
  'https://docs.github.com/en/actions/concepts/security/openid-connect'

export const githubOidcSecurityScheme: HttpBearerSecurityScheme = Object.freeze({
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: DESCRIPTION,
})

/**
 * An `openIdConnect` scheme for `issuer` (default GitHub.com's), whose discovery document is
 * `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
 */
export function createOpenIdConnectSecurityScheme(issuer: string = GITHUB_ISSUER): OpenIdConnectSecurityScheme {
  if (typeof issuer !== 'string' || !URL.canParse(issuer) || issuer.endsWith('/')) {
    throw new TypeError('issuer: must be an issuer URL without a trailing slash')
  }
  return Object.freeze({
    type: 'openIdConnect',
    openIdConnectUrl: `${issuer}/.well-known/openid-configuration`,
    description: DESCRIPTION,
  })
}
