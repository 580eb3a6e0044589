import { defineConfig } from 'vitest/config';

/** Browser tests: the real UI in Debian's Chromium (headless), driven by playwright-core. Run by `npm run test:browser`. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
