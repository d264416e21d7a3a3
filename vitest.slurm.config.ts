import { defineConfig } from 'vitest/config';

// The Slurm e2e (npm run test:slurm): starts a single-node cluster as root and runs the sbatch file.
export default defineConfig({
  test: {
    include: ['e2e-slurm/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
