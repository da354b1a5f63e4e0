import { modelFreeWorkflow } from '../../sim/src';
import type { SimRef } from '../support';
import { nextSeed } from '../support';

/**
 * Node durations (ms at speed 1) that make the model-free job (EmptyImage → ImageInvert →
 * SaveImage) last about half a second on the simulator.
 */
export const HALF_SECOND_JOB = { EmptyImage: 240, ImageInvert: 240, SaveImage: 10 } as const;

export interface FleetChurn {
  /** Jobs posted, and POSTs that failed (refused, timed out). */
  readonly posted: number;
  readonly failed: number;
  stop(): Promise<void>;
}

/**
 * Keeps every server's queue moving as another client of the fleet would: one half-second job
 * per server per `periodMs`, posted straight to the server (a bare `POST /prompt`, no socket),
 * the servers' posts spread evenly over the period. Each job moves the server's depth twice
 * (0 → 1 when queued, 1 → 0 when done), so with the default period of 1 s every server reports
 * a change about twice a second; the engine sees them as `status` frames and turns them into
 * `server.upsert` deltas, which is what the console receives.
 */
export function startFleetChurn(sims: readonly SimRef[], periodMs = 1_000): FleetChurn {
  let posted = 0;
  let failed = 0;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const stepMs = periodMs / sims.length;
  const t0 = performance.now();
  let next = 0;
  const post = (sim: SimRef) => {
    const p = fetch(`${sim.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: modelFreeWorkflow({ seed: nextSeed() }), client_id: 'p5-churn' }),
      signal: AbortSignal.timeout(5_000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.ok) posted++;
        else failed++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  // One timer for the whole fleet: catch up on every post that fell due since the last tick,
  // so a late tick (busy machine) does not lower the rate.
  const timer = setInterval(() => {
    if (stopped) return;
    const due = Math.floor((performance.now() - t0) / stepMs);
    for (; next <= due; next++) post(sims[next % sims.length] as SimRef);
  }, Math.max(5, Math.floor(stepMs)));
  return {
    get posted() {
      return posted;
    },
    get failed() {
      return failed;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
