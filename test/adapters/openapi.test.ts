import { describe, expect, it } from 'vitest'
import { createOpenIdConnectSecurityScheme, githubOidcSecurityScheme } from '../../src/core/openapi.js'

describe('OpenAPI security schemes', () => {
  it('describes the bearer token callers send (http bearer JWT)', () => {
    expect(githubOidcSecurityScheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    expect(githubOidcSecurityScheme.description).toContain('id-token: write')
    expect(Object.isFrozen(githubOidcSecurityScheme)).toBe(true)
  })

  it("points an openIdConnect scheme at GitHub's discovery document by default, like the original", () => {
    expect(createOpenIdConnectSecurityScheme()).toEqual({
      type: 'openIdConnect',
      openIdConnectUrl: 'https://token.actions.githubusercontent.com/.well-known/openid-configuration',
      description: githubOidcSecurityScheme.description,
    })
  })

  it('points it at the discovery document of another issuer (GHES, GHE.com)', () => {
    expect(createOpenIdConnectSecurityScheme('https://ghes.example.com/_services/token').openIdConnectUrl).toBe(
      'https://ghes.example.com/_services/token/.well-known/openid-configuration',
    )
  })

  it('refuses an issuer that is not a URL, or has a trailing slash', () => {
    expect(() => createOpenIdConnectSecurityScheme('token.actions')).toThrow(/^issuer: /)
    expect(() => createOpenIdConnectSecurityScheme('https://token.actions.githubusercontent.com/')).toThrow(TypeError)
  })
})
