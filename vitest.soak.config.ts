import { defineConfig } from 'vitest/config';

// `npm run soak:batch`: the long batch soak (src/node/batch.soak.ts); gc is exposed so heap
// figures are after collection.
export default defineConfig({
  test: {
    include: ['src/**/*.soak.ts'],
    environment: 'node',
    testTimeout: 24 * 3600_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
    setupFiles: ['src/test/setup.ts'],
  },
});
