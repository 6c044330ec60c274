import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: two test files at a time, each with its own worker on its own task queue.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
