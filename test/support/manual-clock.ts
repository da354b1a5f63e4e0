/**
 * The manual clock lives in `harness/manual-clock.ts` (shared by test, chaos and bench). This
 * re-export serves the engine's unit tests under src/main/engine that still import it from here;
 * drop it once they import `harness/manual-clock` directly.
 */
export { ManualClock } from '../../harness/manual-clock';
