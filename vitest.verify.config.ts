import { defineConfig } from 'vitest/config';

// `npm run verify`: the slow checks against independent references (hours of CPU on wasm when
// run in full; see src/core/attacks/reference.verify.ts for the knobs that run a subset).
export default defineConfig({
  test: {
    include: ['src/**/*.verify.ts'],
    environment: 'node',
    testTimeout: 24 * 3600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    setupFiles: ['src/test/setup.ts'],
  },
});
