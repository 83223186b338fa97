/**
 * Koa with `@koa/router`.
 *
 *   GITHUB_OIDC_AUDIENCE=https://api.example.com npx tsx examples/koa.ts
 *
 * In your app, import from 'github-oidc' and 'github-oidc/koa'.
 */
import { fileURLToPath } from 'node:url'
import Router from '@koa/router'
import Koa from 'koa'
import { githubOidc } from '../src/adapters/koa.js'
import { createVerifier, GITHUB_ISSUER, ownerId, protectedRef } from '../src/index.js'

const verifier = createVerifier({
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
})

const router = new Router()
  .get('/whoami', githubOidc({ verifier }), (ctx) => {
    ctx.body = { repository: ctx.state.githubOidc?.repository }
  })
  .post('/release', githubOidc({ verifier, policy: protectedRef() }), (ctx) => {
    ctx.status = 202
    ctx.body = { releasing: ctx.state.githubOidc?.ref }
  })

export const app = new Koa().use(router.routes()).use(router.allowedMethods())

if (process.argv[1] === fileURLToPath(import.meta.url)) app.listen(Number(process.env.PORT ?? 3000))
