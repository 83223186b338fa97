/**
 * Next.js App Router. The two exports below go in two files of a Next.js app:
 *
 * - `app/api/deployments/[id]/route.ts`: `export const GET = …` (a route handler);
 * - `proxy.ts` (`middleware.ts` before Next.js 16): `export const proxy = …` and its `config`,
 *   to refuse unauthenticated calls to `/api/*` before any route runs.
 *
 * In your app, import from 'github-oidc' and 'github-oidc/next'.
 */
import { githubOidcMiddleware, withGitHubOidc } from '../src/adapters/next.js'
import { createVerifier, GITHUB_ISSUER, ownerId } from '../src/index.js'

const verifier = createVerifier({
  audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://app.example.com',
  issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
  policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
})

// app/api/deployments/[id]/route.ts
export const GET = withGitHubOidc<{ params: Promise<{ id: string }> }>(
  { verifier },
  async (_request, claims, context) =>
    Response.json({ deployment: (await context.params).id, requestedBy: claims.repository }),
)

// proxy.ts
export const proxy = githubOidcMiddleware({ verifier })
export const config = { matcher: '/api/:path*' }
