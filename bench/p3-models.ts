import { mulberry32 } from './support';

/**
 * P3's models (bench/p3-latency.ts): the seeded arrival sequence, and the placement rules
 * computed on it with fixed run times: the central-queue oracles and the engine's slot model.
 */

/** Latencies (ms) of one strategy's jobs, in arrival order, and how they spread over the servers. */
export interface ModelOutcome {
  latencies: number[];
  counts: number[];
  /** Latencies of the jobs each server ran. */
  byServer: number[][];
}

/** Arrival times (ms from the start) of a Poisson process, from a seeded PRNG. */
export function poisson(n: number, ratePerMs: number, seed: number): number[] {
  const random = mulberry32(seed);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += -Math.log(1 - random()) / ratePerMs;
    out.push(t);
  }
  return out;
}

/**
 * A central FIFO queue over servers with fixed run times and no overhead. `first-idle`: the head
 * job starts as soon as any server is idle, on the fastest idle one. `earliest-finish`: each job,
 * in order, goes to the server where it would finish first (it may wait for a fast server while a
 * slow one is idle).
 */
export function centralQueue(arrivals: readonly number[], runMs: readonly number[], rule: 'first-idle' | 'earliest-finish'): ModelOutcome {
  const freeAt = runMs.map(() => 0);
  const counts = runMs.map(() => 0);
  const byServer: number[][] = runMs.map(() => []);
  const latencies: number[] = [];
  for (const a of arrivals) {
    let best = -1;
    let bestFinish = Infinity;
    if (rule === 'first-idle') {
      const start = Math.max(a, Math.min(...freeAt));
      freeAt.forEach((f, i) => {
        const finish = start + (runMs[i] ?? Infinity);
        if (f <= start && finish < bestFinish) {
          best = i;
          bestFinish = finish;
        }
      });
    } else {
      freeAt.forEach((f, i) => {
        const finish = Math.max(a, f) + (runMs[i] ?? Infinity);
        if (finish < bestFinish) {
          best = i;
          bestFinish = finish;
        }
      });
    }
    freeAt[best] = bestFinish;
    counts[best] = (counts[best] ?? 0) + 1;
    latencies.push(bestFinish - a);
    byServer[best]?.push(bestFinish - a);
  }
  return { latencies, counts, byServer };
}

/** Delays of the engine around each job, for {@link slotModel}: placement → on the server, server end → slot freed and task `succeeded`. */
export interface Overheads {
  dispatchMs: number;
  releaseMs: number;
}

/**
 * The engine's placement as a model with fixed run times: a FIFO queue of our own, at most
 * `maxInFlight` tasks per server (one running, the rest waiting on the server), placement by
 * expected finish time = (tasks on the server + 1) × its run time. A task counts against its
 * server from placement until `releaseMs` after it ended there (the engine frees a slot once
 * history, outputs and ledger are done), and reaches the server `dispatchMs` after placement.
 * `free-slots-only` chooses among servers with a free slot, as `place()` + the balancer do today;
 * `virtual` goes through the queue in order, places each task where it would finish first among
 * all servers, counting the tasks ahead of it that chose to wait for a full one, and dispatches
 * those whose server has a free slot (the clairvoyant queue's rule, with a slot limit). Simply
 * waiting for the best server without counting the queue is worse than both: a fast server at
 * its limit always looks better than an idle slow one, so the slow one is never used.
 */
export function slotModel(
  arrivals: readonly number[],
  runMs: readonly number[],
  maxInFlight: number,
  rule: 'free-slots-only' | 'virtual',
  overheads: Overheads = { dispatchMs: 0, releaseMs: 0 },
): ModelOutcome {
  type Body = { kind: 'arrive'; job: number } | { kind: 'posted'; job: number; server: number } | { kind: 'end'; server: number } | { kind: 'release'; server: number };
  type Ev = Body & { at: number; seq: number };
  const events: Ev[] = [];
  let seq = 0;
  const push = (at: number, body: Body) => events.push({ ...body, at, seq: seq++ });
  arrivals.forEach((at, job) => push(at, { kind: 'arrive', job }));
  const n = runMs.length;
  const running: number[] = runMs.map(() => -1);
  const onServer: number[][] = runMs.map(() => []);
  const inFlight = runMs.map(() => 0);
  const queue: number[] = [];
  const latencies: number[] = arrivals.map(() => NaN);
  const counts = runMs.map(() => 0);
  const byServer: number[][] = runMs.map(() => []);
  let t = 0;
  const startNext = (i: number) => {
    const job = onServer[i]?.shift();
    if (job === undefined) return;
    running[i] = job;
    push(t + (runMs[i] ?? Infinity), { kind: 'end', server: i });
  };
  const place = (job: number, i: number) => {
    counts[i] = (counts[i] ?? 0) + 1;
    inFlight[i] = (inFlight[i] ?? 0) + 1;
    push(t + overheads.dispatchMs, { kind: 'posted', job, server: i });
  };
  const load = (i: number) => inFlight[i] ?? 0;
  const score = (i: number, extra = 0) => (load(i) + extra + 1) * (runMs[i] ?? Infinity);
  const dispatch = () => {
    if (rule === 'virtual') {
      const extra = runMs.map(() => 0);
      for (const job of [...queue]) {
        let best = 0;
        for (let i = 1; i < n; i++) if (score(i, extra[i]) < score(best, extra[best])) best = i;
        if (load(best) < maxInFlight && (extra[best] ?? 0) === 0) {
          queue.splice(queue.indexOf(job), 1);
          place(job, best);
        } else extra[best] = (extra[best] ?? 0) + 1;
      }
      return;
    }
    while (queue.length) {
      let best = -1;
      for (let i = 0; i < n; i++) if (load(i) < maxInFlight && (best < 0 || score(i) < score(best))) best = i;
      if (best < 0) return;
      place(queue.shift() as number, best);
    }
  };
  for (;;) {
    let k = -1;
    events.forEach((e, j) => {
      const cur = events[k];
      if (!cur || e.at < cur.at || (e.at === cur.at && e.seq < cur.seq)) k = j;
    });
    const e = events[k];
    if (!e) break;
    events.splice(k, 1);
    t = e.at;
    switch (e.kind) {
      case 'arrive':
        queue.push(e.job);
        break;
      case 'posted':
        onServer[e.server]?.push(e.job);
        if ((running[e.server] ?? -1) < 0) startNext(e.server);
        break;
      case 'end': {
        const job = running[e.server] ?? -1;
        const latency = t + overheads.releaseMs - (arrivals[job] ?? NaN);
        latencies[job] = latency;
        byServer[e.server]?.push(latency);
        running[e.server] = -1;
        startNext(e.server);
        push(t + overheads.releaseMs, { kind: 'release', server: e.server });
        break;
      }
      case 'release':
        inFlight[e.server] = (inFlight[e.server] ?? 0) - 1;
        break;
    }
    dispatch();
  }
  return { latencies, counts, byServer };
}
