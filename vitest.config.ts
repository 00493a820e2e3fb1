import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, next to the sources) and `integration` (real Redis, Postgres, s3rver).
// Integration files are named by the servers they need: *.redis.test.ts, *.pg.test.ts, *.s3.test.ts, *.e2e.test.ts.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['packages/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.{redis,pg,s3,e2e,fault}.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/**/*.test.ts', 'packages/**/src/**/*.{redis,pg,s3,e2e,fault}.test.ts', 'apps/**/src/**/*.{redis,pg,s3,e2e,fault}.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
