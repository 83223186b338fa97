import 'reflect-metadata'
import type { ArgumentsHost, INestApplication } from '@nestjs/common'
import { Catch, Controller, type ExceptionFilter, Get, HttpException, Options, Res, UseGuards } from '@nestjs/common'
import { APP_FILTER, APP_GUARD } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GitHubOidcClaims, GitHubOidcGuard, GitHubOidcModule, GitHubOidcPolicy } from '../../src/adapters/nestjs.js'
import { type GitHubActionsClaims, GitHubOidcError } from '../../src/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { AUDIENCE, type ContractOptions, runAdapterContract, STRICT_POLICY, sendHttp } from './contract.js'

@Controller()
@UseGuards(GitHubOidcGuard)
class ClaimsController {
  @Get('claims')
  claims(@GitHubOidcClaims() claims: GitHubActionsClaims): GitHubActionsClaims {
    return claims
  }

  @Options('claims')
  preflight(@Res() response: { status(code: number): { header(n: string, v: string): { send(): void } } }): void {
    response.status(204).header('access-control-allow-origin', '*').send()
  }

  @Get('strict')
  @GitHubOidcPolicy(STRICT_POLICY)
  strict(@GitHubOidcClaims() claims: GitHubActionsClaims): GitHubActionsClaims {
    return claims
  }
}

type Platform = 'express' | 'fastify'

async function start(platform: Platform, options: ContractOptions['options'], providers: unknown[] = []) {
  const moduleRef = await Test.createTestingModule({
    imports: [GitHubOidcModule.forRoot(options)],
    controllers: [ClaimsController],
    providers: providers as never[],
  }).compile()
  const app: INestApplication = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  )
  await app.listen(0, '127.0.0.1')
  const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1')
  return { origin, close: () => app.close() }
}

for (const platform of ['express', 'fastify'] as const) {
  runAdapterContract(
    `nestjs (${platform})`,
    async ({ options }) => {
      const { origin, close } = await start(platform, options)
      return { request: (request) => sendHttp(origin, request), close }
    },
    { jsonErrors: true, preflight: true },
  )
}

@Catch(HttpException)
class CodeFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>()
    const code = exception.cause instanceof GitHubOidcError ? exception.cause.code : 'other'
    response.status(exception.getStatus()).json({ ...(exception.getResponse() as object), code })
  }
}

describe('nestjs: GitHubOidcGuard', () => {
  let mock: MockIssuer
  beforeAll(async () => {
    mock = await createMockIssuer()
  })
  afterAll(() => mock.close())

  it('throws an HttpException that an exception filter can customise, with the GitHubOidcError as cause', async () => {
    const options = { issuer: mock.issuer, audience: AUDIENCE, policy: 'any', onError: () => undefined } as const
    const { origin, close } = await start('express', options, [{ provide: APP_FILTER, useClass: CodeFilter }])
    try {
      const response = await sendHttp(origin, { authorization: 'Bearer a b' })
      expect(response.status).toBe(400)
      expect(response.headers['www-authenticate']).toBe('Bearer realm="github-oidc", error="invalid_request"')
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request', code: 'ERR_REQUEST_INVALID' })
    } finally {
      await close()
    }
  })

  it('protects every route when registered as APP_GUARD', async () => {
    @Controller()
    class OpenController {
      @Get('claims')
      claims(@GitHubOidcClaims() claims: GitHubActionsClaims): string {
        return claims.repository
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [GitHubOidcModule.forRoot({ issuer: mock.issuer, audience: AUDIENCE, policy: 'any' })],
      controllers: [OpenController],
      providers: [{ provide: APP_GUARD, useClass: GitHubOidcGuard }],
    }).compile()
    const app = moduleRef.createNestApplication({ logger: false })
    await app.listen(0, '127.0.0.1')
    try {
      const origin = await app.getUrl()
      expect((await sendHttp(origin, {})).status).toBe(401)
      const response = await sendHttp(origin, { authorization: `Bearer ${mock.mint({}, { audience: AUDIENCE })}` })
      expect(response.body).toBe('octo-org/octo-repo')
    } finally {
      await app.close()
    }
  })

  it('refuses bad options in forRoot with a TypeError naming the option', () => {
    expect(() => GitHubOidcModule.forRoot({ audience: AUDIENCE, policy: 'any', realm: '' })).toThrow(
      /^options\.realm: /,
    )
  })
})
