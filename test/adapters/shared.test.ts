import { describe, expect, it } from 'vitest'
import { nodeAuthorization } from '../../src/adapters/shared.js'

describe('nodeAuthorization', () => {
  it('reads the one Authorization value from the raw headers, whatever its case', () => {
    const req = { headers: {}, rawHeaders: ['Host', 'x', 'AUTHORIZATION', 'Bearer a', 'Accept', '*/*'] }
    expect(nodeAuthorization(req)).toBe('Bearer a')
  })

  it('hands two Authorization values on as a list, so the core refuses them', () => {
    const req = {
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['authorization', 'Bearer a', 'Authorization', 'Bearer b'],
    }
    expect(nodeAuthorization(req)).toEqual(['Bearer a', 'Bearer b'])
  })

  it('finds no header when there is none, not even in a look-alike name', () => {
    expect(nodeAuthorization({ headers: {}, rawHeaders: ['x-authorization', 'Bearer a', 'Authorizatio', 'b'] })).toBe(
      undefined,
    )
  })

  it('falls back to headersDistinct, then headers, for request objects without rawHeaders', () => {
    expect(
      nodeAuthorization({ headers: { authorization: 'x' }, headersDistinct: { authorization: ['a', 'b'] } }),
    ).toEqual(['a', 'b'])
    expect(nodeAuthorization({ headers: { authorization: 'x' } })).toBe('x')
  })
})
