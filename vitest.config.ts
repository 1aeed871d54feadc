import { defineConfig } from 'vitest/config';

// Tiers: unit (pure code), integration (real local servers, git, QEMU), e2e (the
// built CLI against all of them) and kernel (the real-kernel end to end). All but
// unit own real processes and ports, so they run one file at a time.
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
        // The whole mission on the real 6.1 tree, last in `npm test` (see README).
        test: {
          name: 'kernel',
          include: ['test/kernel/**/*.test.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 3_600_000,
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
