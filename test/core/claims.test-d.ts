import { describe, expectTypeOf, test } from 'vitest'
import {
  createVerifier,
  type GitHubActionsClaimName,
  type GitHubActionsClaims,
  type GitHubOidcErrorCode,
  type Verifier,
} from '../../src/index.js'

describe('GitHubActionsClaims', () => {
  test('identity claims are guaranteed strings; times are numbers', () => {
    expectTypeOf<GitHubActionsClaims['repository_owner_id']>().toEqualTypeOf<string>()
    expectTypeOf<GitHubActionsClaims['repository_id']>().toEqualTypeOf<string>()
    expectTypeOf<GitHubActionsClaims['sub']>().toEqualTypeOf<string>()
    expectTypeOf<GitHubActionsClaims['exp']>().toEqualTypeOf<number>()
    expectTypeOf<GitHubActionsClaims['nbf']>().toEqualTypeOf<number | undefined>()
  })

  test('optional claims are strings when present, ref_protected included', () => {
    expectTypeOf<GitHubActionsClaims['ref_protected']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<GitHubActionsClaims['environment']>().toEqualTypeOf<string | undefined>()
  })

  test('claims GitHub adds later are unknown, never any', () => {
    expectTypeOf<GitHubActionsClaims['repo_property_team']>().toEqualTypeOf<unknown>()
  })

  test('claims are read-only', () => {
    const claims = {} as GitHubActionsClaims
    // @ts-expect-error the verified claims cannot be reassigned
    claims.repository = 'x'
  })

  test('documented claim names exclude the index signature', () => {
    expectTypeOf<'repository_owner_id'>().toExtend<GitHubActionsClaimName>()
    expectTypeOf<'repositry_owner_id'>().not.toExtend<GitHubActionsClaimName>()
  })
})

describe('createVerifier', () => {
  test('requires audience and policy', () => {
    // @ts-expect-error policy is required
    createVerifier({ audience: 'x' })
    // @ts-expect-error audience is required
    createVerifier({ policy: 'any' })
    expectTypeOf(createVerifier({ audience: 'x', policy: 'any' })).toEqualTypeOf<Verifier>()
  })

  test('verify and authenticate resolve with the claims', () => {
    const verifier = createVerifier({ audience: 'x', policy: { repository_owner_id: '1' } })
    expectTypeOf(verifier.verify('t')).resolves.toEqualTypeOf<GitHubActionsClaims>()
    expectTypeOf(verifier.authenticate)
      .parameter(0)
      .toExtend<Request | Headers | string | readonly string[] | null | undefined>()
  })

  test('error codes are a closed set', () => {
    expectTypeOf<'ERR_TOKEN_EXPIRED'>().toExtend<GitHubOidcErrorCode>()
    expectTypeOf<'ERR_SOMETHING'>().not.toExtend<GitHubOidcErrorCode>()
  })
})
