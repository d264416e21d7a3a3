import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; one file per worker keeps them from fighting.
    pool: 'forks',
    setupFiles: ['src/test/setup.ts'],
  },
});
