/**
 * Fastify, with the security scheme in the OpenAPI document of `@fastify/swagger`.
 *
 *   GITHUB_OIDC_AUDIENCE=https://api.example.com npx tsx examples/fastify.ts
 *
 * In your app, import from 'github-oidc' and 'github-oidc/fastify'.
 */
import { fileURLToPath } from 'node:url'
import swagger from '@fastify/swagger'
import Fastify from 'fastify'
import { githubOidc } from '../src/adapters/fastify.js'
import { environment, GITHUB_ISSUER, githubOidcSecurityScheme, ownerId } from '../src/index.js'

export const app = Fastify({ logger: process.env.NODE_ENV !== 'test' })

await app.register(swagger, {
  openapi: {
    info: { title: 'Deploy API', version: '1.0.0' },
    components: { securitySchemes: { githubOidc: githubOidcSecurityScheme } },
  },
})
await app.register(githubOidc, {
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
  onError: (error, request) => request.log.warn({ code: error.code, reason: error.cause }, 'refused'),
})

const security = [{ githubOidc: [] }]
app.get('/whoami', { onRequest: app.githubOidc, schema: { security } }, async (request) => ({
  repository: request.githubOidc?.repository,
}))
app.post(
  '/deploy',
  { onRequest: app.githubOidc.withPolicy(environment('production')), schema: { security } },
  async (request, reply) => reply.code(202).send({ deploying: request.githubOidc?.sha }),
)
app.get('/openapi.json', async () => app.swagger())

if (process.argv[1] === fileURLToPath(import.meta.url)) await app.listen({ port: Number(process.env.PORT ?? 3000) })
