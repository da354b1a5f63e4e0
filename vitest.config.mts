import { defineConfig } from 'vitest/config';

/**
 * Files that replace modules (`vi.mock` of electron), fake timers, stub globals, or spawn
 * and kill processes keep a fresh worker each. Everything else shares workers
 * (`isolate: false`): those files build their state inside tests and close it in hooks,
 * and skipping ~0.3–0.7 s of worker start-up per file took the unit suite from 91 s to
 * 75 s idle (issue 12).
 */
const ISOLATED = [
  'test/electron/**/*.test.ts',
  'test/dispatch/crash-restart.test.ts',
  'src/renderer/src/notifications/decide.test.ts',
  'sim/test/pixel-pool.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // Bounds that only guard against hanging: a test on a loaded two-core machine may take
    // several times as long as on an idle one (no verdict depends on it).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests open real sockets on 127.0.0.1; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // One throwaway PostgreSQL per run for the ledger tests (test/store), shared via inject('pgAdminUrl').
    globalSetup: ['./test/support/postgres-global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      {
        extends: true,
        test: { name: 'shared', include: ['src/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'], exclude: ISOLATED, isolate: false },
      },
    ],
  },
});
