import type { EngineOptions, LedgerSetup } from '../src/main/engine/engine';

/**
 * Engine and ledger timings short enough for tests: the in-process harness of the tests
 * (`test/support/engine-harness.ts`) and the engine child's `fast` timings (`engine-child.ts`).
 * Free of the simulator, so an engine child does not load it for them.
 */
export const FAST_ENGINE: Partial<EngineOptions> = {
  deltaIntervalMs: 5,
  // Probes often, but a probe fails only after 10 s: on a loaded machine a healthy simulator
  // may take a second to answer, and a failed probe would turn it unhealthy and lose its tasks.
  // The faults these tests inject (crash, HTTP 500) fail a probe at once.
  probe: { queueIntervalMs: 200, statsIntervalMs: 2_000, timeoutMs: 10_000, retryMs: 100 },
  backoff: { minDelayMs: 20, maxDelayMs: 200 },
  log: () => undefined,
};

export const FAST_LEDGER: Partial<LedgerSetup> = {
  tracker: { quietMs: 1_500, watchdogTickMs: 100, serverLostAfterMs: 500, progressIntervalMs: 100 },
  dispatch: { settleMs: 300 },
  locks: { sweepMs: 200, unhealthyGraceMs: 1_000, stallMs: 60_000 },
};
