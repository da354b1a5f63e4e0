import type { DeltaBatch, FleetSnapshot, HostEvent } from '../../../shared/fleet';

/**
 * Keeps the FleetApi promise for one listener: a snapshot first, then delta batches newer than
 * it. Deltas that arrive before any snapshot are held, because a snapshot fetched out of band
 * (by a call) may answer after deltas it already includes, or before ones it does not.
 */
export interface PrimedListener {
  /** Feed every event of the host's stream in arrival order. */
  push(event: HostEvent): void;
  /** Offer a snapshot fetched by a call; ignored if the stream already delivered one. */
  prime(snapshot: FleetSnapshot): void;
  readonly primed: boolean;
}

/** Bound on held batches; past it the oldest go, and the store's gap check asks for a snapshot. */
const MAX_HELD = 1000;

export function createPrimedListener(listener: (event: HostEvent) => void): PrimedListener {
  let lastSeq: number | null = null;
  let held: DeltaBatch[] = [];

  const deliverBatch = (batch: DeltaBatch): void => {
    if (lastSeq !== null && batch.seq <= lastSeq) return;
    lastSeq = batch.seq;
    listener({ type: 'deltas', batch });
  };

  return {
    get primed() {
      return lastSeq !== null;
    },
    push(event) {
      if (event.type === 'snapshot') {
        // A snapshot in the stream supersedes everything before it, held batches included; it
        // may also come from a restarted host whose seq started over, so it always wins.
        held = [];
        lastSeq = event.snapshot.seq;
        listener(event);
        return;
      }
      if (lastSeq === null) {
        held.push(event.batch);
        if (held.length > MAX_HELD) held.shift();
        return;
      }
      deliverBatch(event.batch);
    },
    prime(snapshot) {
      if (lastSeq !== null) return;
      lastSeq = snapshot.seq;
      listener({ type: 'snapshot', snapshot });
      const pending = held;
      held = [];
      for (const batch of pending) deliverBatch(batch);
    },
  };
}
