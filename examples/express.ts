/**
 * Express: `/whoami` for any workflow of one organization, `/deploy` only for its protected
 * branches deploying to the `production` environment.
 *
 *   GITHUB_OIDC_AUDIENCE=https://deploy.example.com npx tsx examples/express.ts
 *   # in a job: curl -X POST -H "$(npx github-oidc header --audience https://deploy.example.com)" http://…:3000/deploy
 *
 * In your app, import from 'github-oidc' and 'github-oidc/express'.
 */
import { fileURLToPath } from 'node:url'
import express, { type NextFunction, type Request, type Response } from 'express'
import { GitHubOidcHttpError, githubOidc } from '../src/adapters/express.js'
import { createVerifier, environment, GITHUB_ISSUER, ownerId, protectedRef } from '../src/index.js'

// One verifier for the whole app: one key cache, one cache of verified tokens.
const verifier = createVerifier({
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://deploy.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
})

export const app = express()

app.get('/whoami', githubOidc({ verifier }), (req, res) => {
  res.json({ repository: req.githubOidc?.repository, ref: req.githubOidc?.ref })
})

app.post(
  '/deploy',
  githubOidc({ verifier, policy: { ...protectedRef(), ...environment('production') } }),
  (req, res) => {
    res.status(202).json({ deploying: req.githubOidc?.sha })
  },
)

// Optional: answer refusals as JSON instead of Express's default HTML page.
app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
  if (!(error instanceof GitHubOidcHttpError)) return next(error)
  console.warn('refused', error.cause.code, error.cause.cause) // the full reason, for your logs only
  res.status(error.status).set(error.headers).json(error.body)
})

if (process.argv[1] === fileURLToPath(import.meta.url)) app.listen(Number(process.env.PORT ?? 3000))
