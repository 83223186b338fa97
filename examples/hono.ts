/**
 * Hono, here on Node.js with `@hono/node-server` (the app itself runs on every Hono runtime).
 *
 *   GITHUB_OIDC_AUDIENCE=https://api.example.com npx tsx examples/hono.ts
 *
 * In your app, import from 'github-oidc' and 'github-oidc/hono'.
 */
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { githubOidc } from '../src/adapters/hono.js'
import { createVerifier, environment, GITHUB_ISSUER, ownerId } from '../src/index.js'

const verifier = createVerifier({
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
})

export const app = new Hono()
  .get('/whoami', githubOidc({ verifier }), (c) => c.json({ repository: c.var.githubOidc.repository }))
  .post('/deploy', githubOidc({ verifier, policy: environment('production') }), (c) =>
    c.json({ deploying: c.get('githubOidc').sha }, 202),
  )

if (process.argv[1] === fileURLToPath(import.meta.url))
  serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) })
