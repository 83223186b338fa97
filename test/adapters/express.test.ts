import { createServer } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import { describe, expect, it } from 'vitest'
import { GitHubOidcHttpError, githubOidc } from '../../src/adapters/express.js'
import { GitHubOidcError } from '../../src/index.js'
import { type ContractOptions, listen, runAdapterContract, sendHttp } from './contract.js'

const cors: express5.RequestHandler = (req, res, next) => {
  if (req.method !== 'OPTIONS') return next()
  res.set('access-control-allow-origin', '*').status(204).end()
}

function buildApp(createApp: () => express5.Express, { options, verifier, strict }: ContractOptions): express5.Express {
  const app = createApp()
  app.use(githubOidc(options), cors)
  app.get('/claims', (req, res) => {
    res.json(req.githubOidc)
  })
  const strictRoute = githubOidc({ verifier, policy: strict, onError: options.onError })
  app.get('/strict', strictRoute, (req, res) => {
    res.json(req.githubOidc)
  })
  return app
}

for (const [name, createApp] of [
  ['express 5', () => express5()],
  ['express 4', () => express4() as unknown as express5.Express],
] as const) {
  runAdapterContract(
    name,
    async (options) => {
      const { origin, close } = await listen(createServer(buildApp(createApp, options)))
      return { request: (request) => sendHttp(origin, request), close }
    },
    { jsonErrors: false, preflight: true },
  )

  describe(`${name}: githubOidc`, () => {
    it('lets an error handler answer the refusal the Express way, with the GitHubOidcError as cause', async () => {
      const app = createApp()
      app.get('/claims', githubOidc({ audience: 'a', policy: 'any' }), (_req, res) => {
        res.send('unreachable')
      })
      app.use((error: unknown, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
        if (!(error instanceof GitHubOidcHttpError)) throw error
        expect(error.cause).toBeInstanceOf(GitHubOidcError)
        res
          .status(error.status)
          .set(error.headers)
          .json({ ...error.body, code: error.cause.code })
      })
      const { origin, close } = await listen(createServer(app))
      try {
        const response = await sendHttp(origin, {})
        expect(response.status).toBe(401)
        expect(response.headers['www-authenticate']).toBe('Bearer realm="github-oidc"')
        expect(JSON.parse(response.body)).toEqual({
          error: 'unauthorized',
          error_description: 'no bearer token in the Authorization header',
          code: 'ERR_TOKEN_MISSING',
        })
      } finally {
        await close()
      }
    })
  })
}
