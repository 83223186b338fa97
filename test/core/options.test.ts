import { describe, expect, it } from 'vitest'
import { resolveOptions, type VerifierOptions } from '../../src/core/options.js'

const valid = { audience: 'api.example.com', policy: 'any' } as const

function messageOf(options: unknown): string {
  try {
    resolveOptions(options as VerifierOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    return (error as Error).message
  }
  return 'ok'
}

describe('resolveOptions', () => {
  it('fills the defaults of DESIGN §3.1 and freezes the result', () => {
    const resolved = resolveOptions(valid)
    expect(resolved.audiences).toEqual(['api.example.com'])
    expect(resolved.issuers).toEqual(['https://token.actions.githubusercontent.com'])
    expect(resolved.clockTolerance).toBe(30)
    expect(resolved.maxTokenAge).toBeUndefined()
    expect(resolved.maxStale).toBe(86_400)
    expect(resolved.cooldown).toBe(30)
    expect(resolved.timeout).toBe(5000)
    expect(resolved.cacheSize).toBe(1024)
    expect(Object.isFrozen(resolved)).toBe(true)
  })

  it('does not mutate the caller’s options', () => {
    const options = { ...valid, audience: ['a', 'b'], issuer: ['https://ghe.example/_services/token'] }
    const copy = structuredClone(options)
    resolveOptions({ ...options, enterprise: 'acme' })
    expect(options).toEqual(copy)
  })

  it('requires an audience, naming the option', () => {
    for (const audience of [undefined, '', [], [''], 42, ['a', 1]]) {
      expect(messageOf({ ...valid, audience })).toMatch(/^options\.audience:/)
    }
  })

  it('requires a policy, naming the option and how to accept everyone', () => {
    expect(messageOf({ audience: 'a' })).toMatch(/^options\.policy: .*'any'/)
  })

  it('refuses unknown options, so a typo cannot silently weaken the check', () => {
    expect(messageOf({ ...valid, audiences: ['x'] })).toBe('options.audiences: unknown option')
    expect(messageOf(null)).toMatch(/options must be an object/)
  })

  it('accepts https issuers and http only on loopback hosts', () => {
    expect(messageOf({ ...valid, issuer: 'https://ghe.example.com/_services/token' })).toBe('ok')
    for (const host of ['127.0.0.1:8080', '[::1]:9', 'localhost']) {
      expect(messageOf({ ...valid, issuer: `http://${host}` })).toBe('ok')
    }
    for (const issuer of ['http://token.actions.githubusercontent.com', 'http://10.0.0.1', 'ftp://x', 'not a url']) {
      expect(messageOf({ ...valid, issuer })).toMatch(/^options\.issuer:/)
    }
  })

  it('refuses an issuer that could never equal a token’s iss exactly', () => {
    for (const issuer of [
      'https://token.actions.githubusercontent.com/',
      'https://Token.Actions.GitHubUserContent.com',
      'https://user:pw@ghe.example.com',
      'https://ghe.example.com?x=1',
      'https://ghe.example.com#x',
    ]) {
      expect(messageOf({ ...valid, issuer })).toMatch(/^options\.issuer:/)
    }
  })

  it('adds the enterprise-scoped issuer for the configured slug only', () => {
    const resolved = resolveOptions({ ...valid, enterprise: 'acme-corp' })
    expect(resolved.issuers).toEqual([
      'https://token.actions.githubusercontent.com',
      'https://token.actions.githubusercontent.com/acme-corp',
    ])
    for (const enterprise of ['', 'a/b', '..', 'a b', 42]) {
      expect(messageOf({ ...valid, enterprise })).toMatch(/^options\.enterprise:/)
    }
  })

  it('validates numbers, the clock, fetch and the key cache', () => {
    expect(messageOf({ ...valid, clockTolerance: -1 })).toMatch(/^options\.clockTolerance:/)
    expect(messageOf({ ...valid, clockTolerance: Number.NaN })).toMatch(/^options\.clockTolerance:/)
    expect(messageOf({ ...valid, maxTokenAge: 0 })).toMatch(/^options\.maxTokenAge:/)
    expect(messageOf({ ...valid, keys: { timeout: 0 } })).toMatch(/^options\.keys\.timeout:/)
    expect(messageOf({ ...valid, keys: { cache: {} } })).toMatch(/^options\.keys\.cache:/)
    expect(messageOf({ ...valid, keys: { jwks: [] } })).toMatch(/^options\.keys\.jwks:/)
    expect(messageOf({ ...valid, keys: { jwks: { keys: {} } } })).toMatch(/^options\.keys\.jwks:/)
    const cache = { get: () => undefined, set: () => {} }
    expect(messageOf({ ...valid, keys: { jwks: { keys: [] }, cache } })).toMatch(/^options\.keys\.jwks:/)
    expect(messageOf({ ...valid, cacheSize: 1.5 })).toMatch(/^options\.cacheSize:/)
    expect(messageOf({ ...valid, currentDate: '2025-01-01' })).toMatch(/^options\.currentDate:/)
    expect(messageOf({ ...valid, fetch: 'fetch' })).toMatch(/^options\.fetch:/)
  })

  it('reads a fixed date or a clock function', () => {
    expect(resolveOptions({ ...valid, currentDate: new Date(5000) }).now()).toBe(5000)
    let t = 1
    const now = resolveOptions({ ...valid, currentDate: () => new Date(t++) }).now
    expect([now(), now()]).toEqual([1, 2])
    expect(() => resolveOptions({ ...valid, currentDate: () => new Date(Number.NaN) }).now()).toThrow(TypeError)
  })
})
