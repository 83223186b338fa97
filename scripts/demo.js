// `npm run demo`: the whole GitHub Actions OIDC flow on this machine, offline, in about a second.
// Plain JavaScript importing the BUILT package by its own name, exactly as a user's code would.
import { createServer } from 'node:http'
import { notPullRequestTarget, ownerId } from 'github-oidc'
import { getActionsToken } from 'github-oidc/client'
import { githubOidc } from 'github-oidc/node'
import { createMockIssuer, presets } from 'github-oidc/testing'

const AUDIENCE = 'https://api.example.com'
const OWNER_ID = presets.push.repository_owner_id // octo-org, the testing kit's organization
const log = (text = '') => process.stdout.write(`${text}\n`)
const closers = []

async function main() {
  log('github-oidc demo: a job calls a protected server with its OIDC token (no GitHub, no network)')
  log()

  // 1. The testing kit stands in for GitHub: discovery, JWKS and the runner's token endpoint.
  const kit = await createMockIssuer()
  closers.push(() => kit.close())
  log('1. Local OIDC issuer (github-oidc/testing)')
  log(`   issuer: ${kit.issuer}`)

  // 2. A server that only lets one organization's workflows in, pinned by its immutable id.
  const auth = githubOidc({
    audience: AUDIENCE,
    issuer: kit.issuer, // in production: leave out (GitHub's issuer is the default)
    policy: { ...ownerId(OWNER_ID), ...notPullRequestTarget() },
  })
  const server = createServer(async (req, res) => {
    const claims = await auth(req, res) // answers 401/403/503 itself and resolves undefined
    if (claims === undefined) return
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(claims))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(resolve)))
  const url = `http://127.0.0.1:${server.address().port}/deploy`
  log('2. Protected server (github-oidc/node)')
  log(`   url:      ${url}`)
  log(`   audience: ${AUDIENCE}`)
  log(`   policy:   repository_owner_id ${OWNER_ID} (octo-org), and not pull_request_target`)

  // 3. The job: `kit.env` is what GitHub gives a job with `permissions: id-token: write`.
  log('3. A job of octo-org/octo-repo gets a token (github-oidc/client) and calls the server')
  const token = await getActionsToken(AUDIENCE, { env: kit.env })
  const allowed = await call(url, token)
  expectStatus(allowed, 200)
  const claims = JSON.parse(allowed.body)
  log('   verified claims, as the route sees them:')
  for (const name of ['repository', 'repository_id', 'repository_owner_id', 'ref', 'workflow_ref', 'sub']) {
    log(`     ${name.padEnd(20)} ${claims[name]}`)
  }

  // 4. A genuine token, from a repository the policy does not allow: 403.
  log('4. A job of another organization (valid token, owner id 99999999) calls the server')
  const foreign = kit.mint(
    { repository: 'someone-else/octo-repo', repository_id: '123456789', repository_owner_id: '99999999' },
    { audience: AUDIENCE },
  )
  expectStatus(await call(url, foreign), 403)

  // 5. A token whose lifetime is over: 401, and the challenge says why.
  log('5. A job sends a token that expired 5 minutes ago')
  const now = Math.floor(Date.now() / 1000)
  const expired = kit.mint({}, { audience: AUDIENCE, issuedAt: now - 600, expiresIn: 300 })
  expectStatus(await call(url, expired), 401)

  log()
  log('Done: 200 for the allowed job, 403 for the other organization, 401 for the expired token.')
}

async function call(url, token) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
  const result = { status: response.status, statusText: response.statusText, body: await response.text() }
  log(`   -> ${result.status} ${result.statusText}`)
  const challenge = response.headers.get('www-authenticate')
  if (challenge !== null) log(`      WWW-Authenticate: ${challenge}`)
  return result
}

function expectStatus(result, status) {
  if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${result.body}`)
}

try {
  await main()
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  for (const close of closers.reverse()) await close()
}
