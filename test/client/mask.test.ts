import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getActionsToken, resetActionsTokenCache } from '../../src/client/index.js'
import { createMockIssuer, type MockIssuer } from '../../src/testing/index.js'
import { against, claimsOf } from './helpers.js'

const child = fileURLToPath(new URL('./fixtures/get-token.mjs', import.meta.url))
const built = existsSync(fileURLToPath(new URL('../../dist/client/index.js', import.meta.url)))

let kit: MockIssuer

beforeAll(async () => {
  kit = await createMockIssuer()
})
afterEach(() => {
  resetActionsTokenCache()
  kit.resetCounts()
})
afterAll(() => kit.close())

function run(env: Record<string, string>, audience: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [child, audience], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr })
    })
  })
}

describe('masking in-process', () => {
  it('writes ::add-mask:: once per new token inside GitHub Actions', async () => {
    const lines: string[] = []
    const options = against(kit, { env: { ...kit.env, GITHUB_ACTIONS: 'true' }, write: (text) => lines.push(text) })
    const tokens = await Promise.all(Array.from({ length: 10 }, () => getActionsToken('masked', options)))
    await getActionsToken('masked', options)
    expect(lines).toEqual([`::add-mask::${tokens[0]}\n`])
    const other = await getActionsToken('masked-too', options)
    expect(lines).toEqual([`::add-mask::${tokens[0]}\n`, `::add-mask::${other}\n`])
  })

  it('writes nothing with mask: false, outside Actions, or for a token handed in', async () => {
    const lines: string[] = []
    const write = (text: string) => lines.push(text)
    await getActionsToken('unmasked', against(kit, { env: { ...kit.env, GITHUB_ACTIONS: 'true' }, mask: false, write }))
    await getActionsToken('outside', against(kit, { write }))
    const token = kit.mint()
    await getActionsToken('handed-in', { env: { GITHUB_ACTIONS: 'true', GITHUB_OIDC_TOKEN: token }, write })
    expect(lines).toEqual([])
    expect(kit.requests.token).toBe(2)
  })

  it('rejects without handing out the token when the mask cannot be written', async () => {
    const write = () => {
      throw new Error('stdout closed')
    }
    const options = against(kit, { env: { ...kit.env, GITHUB_ACTIONS: 'true' }, write })
    await expect(getActionsToken('mask-fails', options)).rejects.toThrow('stdout closed')
    await expect(getActionsToken('mask-fails', options)).rejects.toThrow('stdout closed')
    expect(kit.requests.token).toBe(2)
  })
})

describe.skipIf(!built)('in a child process running dist/ (skipped: run `npm run build` first)', () => {
  it('prints ::add-mask::<token> on stdout before the token is used, when GITHUB_ACTIONS=true', async () => {
    const env = { ...kit.env, GITHUB_ACTIONS: 'true' }
    const { code, stdout } = await run(env, 'child audience')
    expect(code).toBe(0)
    const [mask, hash, ...rest] = stdout.split('\n')
    expect(rest).toEqual([''])
    const token = mask?.replace(/^::add-mask::/, '') ?? ''
    expect(mask).toMatch(/^::add-mask::[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(hash).toBe(`sha256:${createHash('sha256').update(token).digest('hex')}`)
    expect(claimsOf(token).aud).toBe('child audience')
  })

  it('prints no mask command outside GitHub Actions', async () => {
    const { code, stdout } = await run({ ...kit.env }, 'child audience')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/)
  })

  it('explains the missing permission in a job with an empty environment', async () => {
    const { code, stdout, stderr } = await run({}, 'api.example.com')
    expect(code).toBe(1)
    expect(stderr).toBe('')
    const error = JSON.parse(stdout)
    expect(error.name).toBe('ActionsTokenError')
    expect(error.code).toBe('ERR_ACTIONS_ENV_MISSING')
    expect(error.message).toContain('permissions: id-token: write')
    expect(error.message).toMatch(/pull requests from forks get no ID token/i)
    expect(error.message).toContain('GITHUB_OIDC_TOKEN')
  })
})
