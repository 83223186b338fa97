/**
 * Bun, Deno, Cloudflare Workers and any `fetch(request)` runtime:
 *
 *   bun examples/web.ts        deno serve --allow-env --allow-net examples/web.ts
 *
 * On Workers, build the options from `env` bindings instead of `process.env`. In your app, import
 * from 'github-oidc' and 'github-oidc/web'.
 */
import { withGitHubOidc } from '../src/adapters/web.js'
import { GITHUB_ISSUER, repositoryId } from '../src/index.js'

export default {
  fetch: withGitHubOidc(
    {
      audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
      issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
      policy: repositoryId(process.env.GITHUB_REPOSITORY_ID ?? '704381219'),
    },
    (request, claims) => Response.json({ path: new URL(request.url).pathname, run: claims.run_id }),
  ),
}
