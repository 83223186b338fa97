/**
 * NestJS (Express platform here; `FastifyAdapter` works the same).
 *
 *   GITHUB_OIDC_AUDIENCE=https://api.example.com npx tsx examples/nestjs.ts
 *
 * In your app, import from 'github-oidc' and 'github-oidc/nestjs'.
 */
import 'reflect-metadata'
import { fileURLToPath } from 'node:url'
import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { GitHubOidcClaims, GitHubOidcGuard, GitHubOidcModule, GitHubOidcPolicy } from '../src/adapters/nestjs.js'
import { environment, GITHUB_ISSUER, type GitHubActionsClaims, ownerId } from '../src/index.js'

@Controller()
@UseGuards(GitHubOidcGuard)
export class DeployController {
  @Get('whoami')
  whoami(@GitHubOidcClaims() claims: GitHubActionsClaims) {
    return { repository: claims.repository }
  }

  @Post('deploy')
  @GitHubOidcPolicy(environment('production'))
  deploy(@GitHubOidcClaims() claims: GitHubActionsClaims) {
    return { deploying: claims.sha }
  }
}

@Module({
  imports: [
    GitHubOidcModule.forRoot({
      audience: process.env.GITHUB_OIDC_AUDIENCE ?? 'https://api.example.com',
      issuer: process.env.GITHUB_OIDC_ISSUER ?? GITHUB_ISSUER,
      policy: ownerId(process.env.GITHUB_OWNER_ID ?? '84293715'),
    }),
  ],
  controllers: [DeployController],
})
export class AppModule {}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = await NestFactory.create(AppModule)
  await app.listen(Number(process.env.PORT ?? 3000))
}
