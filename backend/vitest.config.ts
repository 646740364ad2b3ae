import { defineConfig } from 'vitest/config';

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Fails the test during which an error escaped every boundary (unhandled rejection, uncaught exception).
  setupFiles: ['test/support/unhandled-guard.ts'],
};

/**
 * The same behavioural suite runs twice: on the embedded store (PGlite, in-process bus and queue)
 * and on the real services (PostgreSQL, Redis, RabbitMQ on this machine, or as TEST_* URLs say).
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    pool: 'forks',
    projects: [
      // `*.embedded.test.ts` files are about the embedded parts only; `*.services.test.ts` need real servers.
      {
        extends: true,
        test: {
          ...shared,
          name: 'embedded',
          exclude: ['**/*.services.test.ts'],
          globalSetup: ['test/support/pglite-template.ts'],
          env: { TEST_MODE: 'embedded' },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'services',
          exclude: ['**/*.embedded.test.ts'],
          globalSetup: ['test/support/postgres-template.ts'],
          env: { TEST_MODE: 'services' },
        },
      },
    ],
  },
});
