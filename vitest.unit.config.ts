import { defineConfig } from 'vitest/config';

/** `npm run test:unit`: the pure rules only, in milliseconds, without Temporal or PostgreSQL. */
export default defineConfig({
  test: { include: ['test/unit/**/*.test.ts'], reporters: ['default'] },
});
