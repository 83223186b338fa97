import type { IncomingMessage, ServerResponse } from 'node:http'
import Router from '@koa/router'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import Koa from 'koa'
import type { NextRequest } from 'next/server.js'
import { describe, expectTypeOf, test } from 'vitest'
import { githubOidc as expressOidc } from '../../src/adapters/express.js'
import { githubOidc as fastifyOidc, type GitHubOidcHook } from '../../src/adapters/fastify.js'
import { githubOidc as honoOidc } from '../../src/adapters/hono.js'
import { githubOidc as koaOidc } from '../../src/adapters/koa.js'
import { GitHubOidcClaims } from '../../src/adapters/nestjs.js'
import { withGitHubOidc as withNextOidc } from '../../src/adapters/next.js'
import { githubOidc as nodeOidc } from '../../src/adapters/node.js'
import { withGitHubOidc } from '../../src/adapters/web.js'
import { createVerifier, type GitHubActionsClaims, type GitHubOidcError } from '../../src/index.js'

const options = { audience: 'https://api.example.test', policy: { repository_owner_id: '84293715' } } as const

describe('claims reach the route as GitHubActionsClaims, without casts', () => {
  test('express: req.githubOidc, optional on every request', () => {
    const app = express()
    app.get('/', expressOidc(options), (req, res) => {
      expectTypeOf(req.githubOidc).toEqualTypeOf<GitHubActionsClaims | undefined>()
      res.json(req.githubOidc?.repository_owner_id)
    })
  })

  test('fastify: request.githubOidc and the app.githubOidc hook', async () => {
    const app = Fastify()
    await app.register(fastifyOidc, options)
    expectTypeOf(app.githubOidc).toEqualTypeOf<GitHubOidcHook>()
    app.get('/', { onRequest: app.githubOidc.withPolicy({ environment: 'prod' }) }, async (request) => {
      expectTypeOf(request.githubOidc).toEqualTypeOf<GitHubActionsClaims | undefined>()
    })
  })

  test('hono: c.get and c.var, typed by the middleware', () => {
    const app = new Hono()
    app.get('/', honoOidc(options), (c) => {
      expectTypeOf(c.get('githubOidc')).toEqualTypeOf<GitHubActionsClaims>()
      expectTypeOf(c.var.githubOidc).toEqualTypeOf<GitHubActionsClaims>()
      return c.json(c.var.githubOidc.repository)
    })
  })

  test('koa: ctx.state.githubOidc, with and without @koa/router', () => {
    const app = new Koa()
    app.use(koaOidc(options))
    app.use((ctx) => {
      expectTypeOf(ctx.state.githubOidc).toEqualTypeOf<GitHubActionsClaims | undefined>()
    })
    const router = new Router()
    router.get('/', koaOidc(options), (ctx) => {
      expectTypeOf(ctx.state.githubOidc).toEqualTypeOf<GitHubActionsClaims | undefined>()
    })
  })

  test('node: auth(req, res) resolves with the claims or undefined', () => {
    const auth = nodeOidc(options)
    expectTypeOf(auth).parameters.toEqualTypeOf<[IncomingMessage, ServerResponse]>()
    expectTypeOf(auth).returns.resolves.toEqualTypeOf<GitHubActionsClaims | undefined>()
  })

  test('web: the handler receives the claims and the runtime arguments', () => {
    const fetch = withGitHubOidc<[{ DB: string }]>(options, (request, claims, env) => {
      expectTypeOf(request).toEqualTypeOf<Request>()
      expectTypeOf(claims).toEqualTypeOf<GitHubActionsClaims>()
      expectTypeOf(env).toEqualTypeOf<{ DB: string }>()
      return Response.json(claims)
    })
    expectTypeOf(fetch).parameters.toEqualTypeOf<[Request, { DB: string }]>()
  })

  test('next: the route handler receives the NextRequest, the claims and the route context', () => {
    type Context = { params: Promise<{ id: string }> }
    const GET = withNextOidc<Context>(options, async (request, claims, context) => {
      expectTypeOf(request).toEqualTypeOf<NextRequest>()
      expectTypeOf(claims).toEqualTypeOf<GitHubActionsClaims>()
      expectTypeOf(context).toEqualTypeOf<Context>()
      return Response.json({ id: (await context.params).id })
    })
    expectTypeOf(GET).parameters.toEqualTypeOf<[NextRequest, Context]>()
  })

  test('nestjs: @GitHubOidcClaims() is a parameter decorator', () => {
    expectTypeOf(GitHubOidcClaims()).toExtend<ParameterDecorator>()
  })
})

describe('options', () => {
  test('accept a shared verifier with a stricter policy, and an onError typed by the framework', () => {
    const verifier = createVerifier(options)
    expressOidc({
      verifier,
      policy: { environment: 'production' },
      onError: (error, req) => {
        expectTypeOf(error).toEqualTypeOf<GitHubOidcError>()
        expectTypeOf(req).toEqualTypeOf<express.Request>()
      },
    })
  })

  test('require a policy, spelled out', () => {
    // @ts-expect-error: the policy is required ('any' must be written out)
    honoOidc({ audience: 'https://api.example.test' })
  })
})
