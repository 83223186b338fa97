import { createServer } from 'node:http'
import Router from '@koa/router'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { describe, expect, it } from 'vitest'
import { GitHubOidcHttpError, githubOidc } from '../../src/adapters/koa.js'
import { type ContractOptions, listen, runAdapterContract, sendHttp } from './contract.js'

function buildApp(app: Koa3, { options, verifier, strict }: ContractOptions): Koa3 {
  const router = new Router()
  router.get('/claims', (ctx) => {
    ctx.body = ctx.state.githubOidc
  })
  router.options('/claims', (ctx) => {
    ctx.set('access-control-allow-origin', '*')
    ctx.status = 204
  })
  router.get('/strict', githubOidc({ verifier, policy: strict, onError: options.onError }), (ctx) => {
    ctx.body = ctx.state.githubOidc
  })
  app.use(githubOidc(options))
  app.use(router.routes())
  return app
}

for (const [name, Koa] of [
  ['koa 3', Koa3],
  ['koa 2', Koa2],
] as const) {
  runAdapterContract(
    name,
    async (options) => {
      const app = buildApp(new Koa(), options)
      app.silent = true
      const { origin, close } = await listen(createServer(app.callback()))
      return { request: (request) => sendHttp(origin, request), close }
    },
    { jsonErrors: false, preflight: true },
  )

  describe(`${name}: githubOidc`, () => {
    it('throws an error that upstream middleware can answer the Koa way, with the GitHubOidcError as cause', async () => {
      const app = new Koa()
      app.use(async (ctx, next) => {
        try {
          await next()
        } catch (error) {
          if (!(error instanceof GitHubOidcHttpError)) throw error
          ctx.status = error.status
          ctx.set(error.headers)
          ctx.body = { ...error.body, code: error.cause.code }
        }
      })
      app.use(githubOidc({ audience: 'a', policy: 'any' }))
      const { origin, close } = await listen(createServer(app.callback()))
      try {
        const response = await sendHttp(origin, { authorization: 'Basic dXNlcjpwYXNz' })
        expect(response.status).toBe(401)
        expect(response.headers['www-authenticate']).toBe('Bearer realm="github-oidc"')
        expect(JSON.parse(response.body)).toMatchObject({ error: 'unauthorized', code: 'ERR_TOKEN_MISSING' })
      } finally {
        await close()
      }
    })
  })
}
