import { connect } from 'node:net'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMockIssuer } from '../../src/testing/index.js'

/** Sends raw bytes and resolves with the status line of the answer ('' when the server hung up). */
function raw(issuer: string, request: string): Promise<string> {
  const { port } = new URL(issuer)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request))
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''))
  })
}

describe('close', () => {
  it('ends promptly with a slow request pending, failing that request and leaving no timer or socket', async () => {
    const count = (name: string) => process.getActiveResourcesInfo().filter((item) => item === name).length
    const sockets = () => [count('TCPServerWrap'), count('TCPSocketWrap')]
    const before = sockets()
    const mock = await createMockIssuer()
    mock.fail('slow')
    const pending = fetch(mock.jwksUri).then(
      () => 'answered',
      () => 'failed',
    )
    while (mock.requests.jwks === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const timersWhilePending = count('Timeout')
    let watchdog: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      mock.close().then(() => 'closed'),
      new Promise((resolve) => {
        watchdog = setTimeout(resolve, 5000, 'hung')
      }),
    ])
    clearTimeout(watchdog)
    expect(outcome).toBe('closed')
    expect(await pending).toBe('failed')
    await new Promise((resolve) => setImmediate(resolve))
    expect(count('Timeout')).toBeLessThan(timersWhilePending)
    expect(sockets()).toEqual(before)
  })

  it('closes keep-alive connections and can be called twice', async () => {
    const mock = await createMockIssuer()
    expect((await fetch(mock.jwksUri)).status).toBe(200)
    const first = mock.close()
    expect(mock.close()).toBe(first)
    await first
    await expect(fetch(mock.jwksUri)).rejects.toThrow(TypeError)
  })
})

describe('options', () => {
  it('listens on the port asked', async () => {
    const probe = await createMockIssuer()
    const port = Number(new URL(probe.issuer).port)
    await probe.close()
    const mock = await createMockIssuer({ port })
    try {
      expect(mock.issuer).toBe(`http://127.0.0.1:${port}`)
      await expect(createMockIssuer({ port })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await mock.close()
    }
  })

  it.each([
    ['port', { port: 70000 }],
    ['port', { port: 1.5 }],
    ['now', { now: 'yesterday' }],
    ['defaultAudience', { defaultAudience: '' }],
    ['keyBits', { keyBits: 2047 }],
    ['slowMs', { slowMs: -1 }],
    ['tokenClaims', { tokenClaims: 'x' }],
  ])('rejects a bad %s with a TypeError naming it', async (name, options) => {
    await expect(createMockIssuer(options as never)).rejects.toThrow(new RegExp(`^options\\.${name}: `))
  })

  it('dates the token endpoint’s tokens by the clock option', async () => {
    const mock = await createMockIssuer({ now: () => new Date('2030-01-01T00:00:00Z') })
    try {
      const response = await fetch(mock.env.ACTIONS_ID_TOKEN_REQUEST_URL, {
        headers: { Authorization: `Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      })
      const { value } = (await response.json()) as { value: string }
      expect(decodeJwt(value).iat).toBe(Date.UTC(2030, 0, 1) / 1000)
    } finally {
      await mock.close()
    }
  })
})

describe('hostile input', () => {
  it('answers malformed requests without crashing and keeps serving', async () => {
    const mock = await createMockIssuer()
    try {
      const auth = `Authorization: Bearer ${mock.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}\r\n`
      const answers = await Promise.all([
        raw(
          mock.issuer,
          `GET /_apis/token?api-version=2.0&audience=%E0%A4%A&audience=%ZZ HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
        ),
        raw(mock.issuer, 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'),
        raw(mock.issuer, 'GET //evil.example/.well-known/jwks HTTP/1.1\r\nHost: x\r\n\r\n'),
        raw(mock.issuer, 'GET http://evil.example/.well-known/jwks HTTP/1.1\r\nHost: x\r\n\r\n'),
        raw(mock.issuer, 'NOT-HTTP\r\n\r\n'),
        raw(mock.issuer, `GET /.well-known/jwks HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`),
      ])
      expect(answers).toEqual([
        'HTTP/1.1 200 OK',
        'HTTP/1.1 404 Not Found',
        'HTTP/1.1 404 Not Found',
        'HTTP/1.1 404 Not Found',
        'HTTP/1.1 400 Bad Request',
        'HTTP/1.1 431 Request Header Fields Too Large',
      ])
      expect((await fetch(mock.jwksUri)).status).toBe(200)
    } finally {
      await mock.close()
    }
  })
})
