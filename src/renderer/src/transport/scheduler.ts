import type { Clock, TimerHandle } from '../../../shared/clock';

/** The engine's Clock port on the browser's timers; transport tests pass a manual one instead. */
export type Scheduler = Clock;

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => {
    if (handle) globalThis.clearTimeout(handle as unknown as ReturnType<typeof globalThis.setTimeout>);
  },
};
