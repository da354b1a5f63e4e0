/**
 * Time comes in through this port, on both sides of the contract, so tests move it themselves
 * (Temporal's lesson: pass time in, don't patch it). Types only; each host supplies the real one.
 */
export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}
