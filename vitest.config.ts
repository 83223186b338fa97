import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // `#crypto` resolves to the source of the Node.js port in tests (package.json "imports").
    conditions: ['github-oidc:source', 'node', 'import', 'default'],
  },
  ssr: {
    resolve: { conditions: ['github-oidc:source', 'node', 'import', 'default'] },
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
