import { defineConfig } from 'vitest/config';

// Three tiers: unit (pure code), integration (real local servers, git, QEMU),
// e2e (the built CLI against all of them). Integration and e2e tests own real
// processes and ports, so they run one file at a time with long timeouts.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 3_000_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
