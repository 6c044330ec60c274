import { defineConfig } from 'vitest/config';

/**
 * `npm run histories:capture -- <release>`: drives real cases through every path of the case
 * workflow and writes their histories to test/histories/<release>/ (the replay test reads them).
 */
export default defineConfig({
  test: {
    include: ['test/histories/capture-histories.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
