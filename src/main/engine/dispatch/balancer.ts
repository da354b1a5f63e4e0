import type { ServerId } from '../../../shared/fleet';
import type { Random } from '../core/clock';

/** A server that may take the task right now: eligibility was decided before the choice. */
export interface Candidate {
  id: ServerId;
  name: string;
  /**
   * Jobs ahead of a new task on the server: its live queue depth (every client's jobs) plus our
   * dispatches it has not announced yet, so a dispatch counts against the server at once (B3).
   */
  load: number;
  /** Our tasks on the server now (dispatched or running). */
  inFlight: number;
  maxInFlight: number;
  /** Measured mean run time of our tasks there (EWMA), null until one finished. */
  meanRunMs: number | null;
  /** When we last dispatched there (0 = never): ties go to the least recently used. */
  lastDispatchAt: number;
}

export interface ChooseContext {
  now: number;
  random: Random;
}

/** Pluggable so benchmarks can compare (P3); the engine uses {@link expectedFinishTime}. */
export interface BalancerStrategy {
  readonly name: string;
  /** Picks one of `candidates` (never empty). */
  choose(candidates: readonly Candidate[], ctx: ChooseContext): Candidate;
}

/** Least recently used first, then by name so the order is total and tests are deterministic. */
function lru(a: Candidate, b: Candidate): number {
  return a.lastDispatchAt - b.lastDispatchAt || a.name.localeCompare(b.name);
}

function minBy(candidates: readonly Candidate[], score: (c: Candidate) => number): Candidate {
  let best: Candidate | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const s = score(c);
    // Scores within a microsecond are a tie: floating point must not decide between equal servers.
    if (best === undefined || s < bestScore - 1e-6 || (Math.abs(s - bestScore) <= 1e-6 && lru(c, best) < 0)) {
      best = c;
      bestScore = s;
    }
  }
  if (!best) throw new Error('balancer: no candidate to choose from');
  return best;
}

/**
 * B2: lowest expected finish time = (load + 1) × mean run time. A server without a measurement
 * yet is assumed to be as fast as the measured ones on average; with no measurement anywhere,
 * this is lowest load. Ties → least recently used.
 */
export const expectedFinishTime: BalancerStrategy = {
  name: 'eft',
  choose(candidates) {
    const known = candidates.map((c) => c.meanRunMs).filter((m): m is number => m !== null);
    const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    return minBy(candidates, (c) => (c.load + 1) * (c.meanRunMs ?? fallback));
  },
};

export const leastLoad: BalancerStrategy = {
  name: 'least-load',
  choose: (candidates) => minBy(candidates, (c) => c.load),
};

export const randomChoice: BalancerStrategy = {
  name: 'random',
  choose(candidates, { random }) {
    const c = candidates[Math.floor(random() * candidates.length)] ?? candidates[0];
    if (!c) throw new Error('balancer: no candidate to choose from');
    return c;
  },
};

/** Round-robin over server ids in a fixed order, skipping the ones not eligible now. */
export function roundRobin(): BalancerStrategy {
  let last: ServerId | null = null;
  return {
    name: 'round-robin',
    choose(candidates) {
      const sorted = [...candidates].sort((a, b) => a.id.localeCompare(b.id));
      const next = sorted.find((c) => last === null || c.id.localeCompare(last) > 0) ?? sorted[0];
      if (!next) throw new Error('balancer: no candidate to choose from');
      last = next.id;
      return next;
    },
  };
}

/**
 * The field report's algorithm (seed 003): least running + pending, from a poll every 30 s. The
 * loads it sees are only refreshed when the poll is due, so between polls it keeps sending to
 * the server that looked emptiest. For comparison in P3, never for real use.
 */
export function leastQueueByPoll(pollMs = 30_000): BalancerStrategy {
  let polledAt = -Infinity;
  let seen = new Map<ServerId, number>();
  return {
    name: 'least-queue-poll',
    choose(candidates, { now }) {
      if (now - polledAt >= pollMs) {
        polledAt = now;
        seen = new Map(candidates.map((c) => [c.id, c.load]));
      }
      // As the report's `sort((a, b) => a.total - b.total)[0]`: a stable sort, so ties go to the
      // first server in list order — with a stale poll, the same one every time.
      let best = candidates[0];
      for (const c of candidates) if ((seen.get(c.id) ?? 0) < (seen.get(best?.id ?? '') ?? 0)) best = c;
      if (!best) throw new Error('balancer: no candidate to choose from');
      return best;
    },
  };
}
