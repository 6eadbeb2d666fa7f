import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
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
  },
});
