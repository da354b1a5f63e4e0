import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests open real sockets on 127.0.0.1; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // One throwaway PostgreSQL per run for the ledger tests (test/store), shared via inject('pgAdminUrl').
    globalSetup: ['./test/support/postgres-global-setup.ts'],
  },
});
