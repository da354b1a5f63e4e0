import type { Clock, TimerHandle } from '../../../shared/clock';

export type { Clock, TimerHandle } from '../../../shared/clock';

/** Returns a float in [0, 1). */
export type Random = () => number;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Timers of the engine must never keep a host process alive on their own.
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (handle) => {
    if (handle) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};

export const systemRandom: Random = Math.random;
