import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createActionsFetch,
  createActionsTokenSource,
  getActionsHeader,
  resetActionsTokenCache,
} from '../../src/client/index.js'
import { createVerifier } from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { against } from './helpers.js'

let kit: MockIssuer

beforeAll(async () => {
  kit = await createMockIssuer()
})
afterAll(() => kit.close())

describe('a client token, verified by the core', () => {
  const audience = 'https://api.example.com/deploy?env=prod&tier=1 ü'

  it('passes verification with a policy on the repository', async () => {
    const verifier = createVerifier({ audience, issuer: kit.issuer, policy: { repository: 'octo-org/octo-repo' } })
    const source = createActionsTokenSource(against(kit))
    const claims = await verifier.verify(await source.getToken(audience))
    expect(claims.aud).toBe(audience)
    expect(claims.repository).toBe('octo-org/octo-repo')
    expect(claims.iss).toBe(kit.issuer)
  })

  it('is refused by a verifier for another audience or another repository', async () => {
    const source = createActionsTokenSource(against(kit))
    const token = await source.getToken(audience)
    const policy = { repository: 'octo-org/octo-repo' }
    const other = createVerifier({ audience: 'https://other.example.com', issuer: kit.issuer, policy })
    await expect(other.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_AUDIENCE' })
    const denied = createVerifier({ audience, issuer: kit.issuer, policy: { repository: 'octo-org/another' } })
    await expect(denied.verify(token)).rejects.toMatchObject({ code: 'ERR_POLICY_DENIED' })
  })

  it('authenticates the header from getActionsHeader and the request from createActionsFetch', async () => {
    const verifier = createVerifier({ audience, issuer: kit.issuer, policy: { repository: 'octo-org/octo-repo' } })
    const header = await getActionsHeader(audience, against(kit))
    expect((await verifier.authenticate(header.Authorization)).aud).toBe(audience)
    resetActionsTokenCache()
    let seen: Request | undefined
    const capture: typeof fetch = async (input, init) => {
      // The same fetch serves the token request (to the kit) and the app request (captured here).
      if (String(input).startsWith(kit.issuer)) return fetch(input, init)
      seen = new Request(input, init)
      return new Response('ok')
    }
    await createActionsFetch({ audience, ...against(kit), fetch: capture })('https://api.example.com/deploy')
    expect(seen).toBeDefined()
    expect((await verifier.authenticate(seen as Request)).repository).toBe('octo-org/octo-repo')
  })
})
