import { defineConfig } from 'vitest/config';

/**
 * Two projects. `sqlite` runs every test on the engine's default configuration (SQLite and the
 * embedded device bus). `postgres` runs the engine's conformance tests (test/engine), the store's
 * contract suite and the multi-node tests (test/scale) again on PostgreSQL and RabbitMQ; it needs
 * the servers scripts/with-backends.sh starts, so it exists only under it (npm test runs both):
 *
 *   scripts/with-backends.sh npx vitest run --project postgres test/engine/devices.test.ts
 */
const backends = Boolean(process.env['PRIVICORE_TEST_DATABASE_URL']);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Engine tests spawn real processes and sockets; two cores are the budget.
    maxWorkers: 2,
    reporters: ['default'],
    server: {
      deps: {
        // The compiled programs (out/) load in Node as they are, exactly as they run for users;
        // passed through Vite's transforms they would be neither fast nor the same code.
        external: [/\/out\//],
      },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/scale/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      ...(backends
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [
                  'test/engine/**/*.test.ts',
                  'test/unit/engine/store/**/*.test.ts',
                  'test/scale/**/*.test.ts',
                ],
                // SQLite's own: backup and restore copy the SQLite file of a data folder (a
                // PostgreSQL database is backed up with PostgreSQL's tools, docs/deploy.md), and
                // group commit batches SQLite's single connection.
                exclude: ['test/engine/backup.test.ts', 'test/engine/group-commit-crash.test.ts'],
                globalSetup: ['test/global-setup.ts'],
                env: { PRIVICORE_TEST_BACKEND: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
