import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The genuine GitHub tokens and key sets of shared/fixtures/github-real (see its README). */
const directory = fileURLToPath(new URL('../../../shared/fixtures/github-real/', import.meta.url))

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface RealToken {
  readonly name: string
  readonly token: string
  readonly jwks: unknown
  readonly payload: { readonly aud: string; readonly iat: number; readonly exp: number } & Record<string, unknown>
}

const read = (name: string) => readFileSync(`${directory}${name}`, 'utf8').trim()

export const realTokens: readonly RealToken[] = [
  ['token-1.jwt', 'jwks-1.json'],
  ['token-7.jwt', 'jwks-1.json'],
  ['token-9.jwt', 'jwks-3.json'],
].map(([name, jwks]) => {
  const token = read(name as string)
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
  return { name: name as string, token, jwks: JSON.parse(read(jwks as string)), payload }
})

/**
 * A `fetch` that answers GitHub's discovery document and the given key set, and counts requests.
 * The fixtures are GitHub's own documents, so nothing leaves the process.
 */
export function githubFetch(jwks: unknown): typeof fetch & { readonly urls: string[] } {
  const urls: string[] = []
  const fake = async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    urls.push(url)
    if (url === `${GITHUB_ISSUER}/.well-known/openid-configuration`) {
      return Response.json({ issuer: GITHUB_ISSUER, jwks_uri: `${GITHUB_ISSUER}/.well-known/jwks` })
    }
    if (url === `${GITHUB_ISSUER}/.well-known/jwks`) return Response.json(jwks)
    return new Response('not found', { status: 404 })
  }
  return Object.assign(fake as typeof fetch, { urls })
}
