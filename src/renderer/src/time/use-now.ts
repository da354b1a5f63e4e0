import { useSyncExternalStore } from 'react';

/**
 * One shared 1 s ticker for every relative time on screen. Only the small components that show
 * an age subscribe, so the tick re-renders them and not the cards around them; it stops when
 * nothing is listening.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  now = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    // Refresh at once: React re-reads the snapshot after subscribing, so a stale first frame is corrected.
    now = Date.now();
    timer = setInterval(tick, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = (): number => now;

export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getNow);
}
