import { useEffect, useRef } from 'react';
import { selectEngineOpen, selectEngineOpens } from '../store/fleet/slices/engine/selectors';
import { fleetStore, useFleetStore } from '../store/fleet/store';

/** Whether the link to the engine is open: actions are offered only then (their calls would fail). */
export function useEngineOpen(): boolean {
  return useFleetStore(selectEngineOpen);
}

/** How many times the engine link has opened; a loader that lists it in its effect's deps reloads on each (re)connection. */
export function useEngineOpens(): number {
  return useFleetStore(selectEngineOpens);
}

/** The same count as of now, for a request about to go out (not the one of the last render). */
export function engineOpensNow(): number {
  return selectEngineOpens(fleetStore.getState());
}

/** A request that failed only because the link was down, with the link's open count when it went out. */
export interface Stall {
  opens: number;
}

/**
 * A call made while the link is not open fails at once with `disconnected` and is never answered
 * later. The caller keeps such a failure as a `stall` (with {@link engineOpensNow} taken when it
 * asked); this issues it again once the link has opened since, whichever comes first: the
 * failure or the open. Each stall goes again at most once; a new failure makes a new stall.
 */
export function useReissueOnOpen<T extends Stall>(stall: T | null, reissue: (stall: T) => void): void {
  const opens = useEngineOpens();
  const reissued = useRef<T | null>(null);
  useEffect(() => {
    if (!stall || opens <= stall.opens || reissued.current === stall) return;
    reissued.current = stall;
    reissue(stall);
  }, [stall, opens, reissue]);
}
