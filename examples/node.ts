/**
 * Plain `node:http`: the helper answers refusals itself and resolves with the claims otherwise.
 *
 *   GITHUB_OIDC_AUDIENCE=https://api.example.com npx tsx examples/node.ts
 *
 * In your app, import from 'github-oidc' and 'github-oidc/node'.
 */
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { githubOidc } from '../src/adapters/node.js'
import { GITHUB_ISSUER, ownerId } from '../src/index.js'

const auth = githubOidc({
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
  onError: (error, req) => console.warn('refused', req.url, error.code),
})

export const server = createServer(async (req, res) => {
  const claims = await auth(req, res)
  if (!claims) return // already answered: 400, 401, 403 or 503
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ repository: claims.repository, workflow: claims.workflow_ref }))
})

if (process.argv[1] === fileURLToPath(import.meta.url)) server.listen(Number(process.env.PORT ?? 3000))
