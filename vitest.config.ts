import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // `#crypto` resolves to the source of the Node.js port in tests (package.json "imports").
    // No 'import' here: Vitest passes these to Node as --conditions, which would make CommonJS
    // require() in frameworks (Express 5's router) load ESM builds of their dependencies.
    conditions: ['github-oidc:source', 'node', 'default'],
  },
  ssr: {
    resolve: { conditions: ['github-oidc:source', 'node', 'default'] },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'src/core/**': { lines: 95 } },
    },
  },
})
