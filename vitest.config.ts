import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    // The browser tests run under npm run test:e2e (vitest.e2e.config.ts).
    exclude: ['node_modules/**', 'dist/**', 'tmp/**', 'test/e2e/**', '**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-redis.ts'],
    env: { TZ: 'UTC', LOG_LEVEL: 'silent' },
  },
});
