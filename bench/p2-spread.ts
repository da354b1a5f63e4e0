import { modelFreeWorkflow } from '../sim/src';
import type { BenchEngine, SimFleet } from './support';
import { BareClient, measureRunMs, median, nextSeed, runTimesOf, startBenchEngine, startSimFleet } from './support';

/**
 * P2 (34/33/33; makespan ≤ 1.05 × ideal): 100 tasks submitted at once (one `Promise.all` of
 * `tasks.submit`, each task its own session) to a fresh engine over 3 equal idle simulated
 * servers, production defaults. Counts per server come from the tasks' `serverId` and are
 * checked against the simulators' execution records. Makespan = first submit → last `endedAt`.
 * Ideal = ceil(100 / 3) × the single-job run time measured on one server (jobs one at a time,
 * the simulator's own start → end). Each round uses a fresh engine (a fresh ledger).
 *
 * Env: P2_TASKS (100), P2_ROUNDS (3), P2_JOB_MS (200: node durations scaled for jobs of about that length).
 */
const SERVERS = 3;

interface Round {
  counts: number[];
  simCounts: number[];
  makespanMs: number;
  /** First submit → first task dispatched. */
  firstDispatchMs: number;
  /** Per server: when its last task ended, relative to the first submit. */
  lastEnd: number[];
  /** Mean server-side run time of the round's jobs. */
  jobMs: number;
}

export async function runP2(): Promise<Record<string, string | number>> {
  const n = Number(process.env.P2_TASKS ?? 100);
  const rounds = Number(process.env.P2_ROUNDS ?? 3);
  const jobMs = Number(process.env.P2_JOB_MS ?? 200);
  const fleet = await startSimFleet({ count: SERVERS, durations: { EmptyImage: jobMs * 0.45, ImageInvert: jobMs * 0.45, SaveImage: jobMs * 0.1 }, names: ['p2-a', 'p2-b', 'p2-c'] });
  let bare: BareClient | null = null;
  try {
    bare = await BareClient.connect(fleet.servers);
    const each: number[] = [];
    for (let i = 0; i < SERVERS; i++) each.push(await measureRunMs(bare, fleet, i, 7, (seed) => modelFreeWorkflow({ seed })));
    bare.close();
    bare = null;
    const single = each[0] ?? NaN;
    const ideal = Math.ceil(n / SERVERS) * single;
    console.error(`single-job run time (ms, median of 7, one at a time): ${each.map((m) => m.toFixed(1)).join(' / ')}; ideal makespan = ceil(${n}/${SERVERS}) × ${single.toFixed(1)} = ${ideal.toFixed(0)} ms`);

    const results: Round[] = [];
    console.error(`\n${'round'.padEnd(6)} ${'per server (tasks)'.padEnd(19)} ${'(sim records)'.padEnd(14)} ${'makespan ms'.padStart(11)} ${'/ ideal'.padStart(8)} ${'1st dispatch'.padStart(13)} ${'job ms'.padStart(7)}   last end per server (ms)`);
    for (let r = 1; r <= rounds; r++) {
      const round = await runRound(fleet, n, r);
      results.push(round);
      console.error(
        `${String(r).padEnd(6)} ${round.counts.join('/').padEnd(19)} ${round.simCounts.join('/').padEnd(14)} ${round.makespanMs.toFixed(0).padStart(11)} ${(round.makespanMs / ideal).toFixed(3).padStart(8)} ${round.firstDispatchMs.toFixed(0).padStart(13)} ${round.jobMs.toFixed(1).padStart(7)}   ${round.lastEnd.map((x) => x.toFixed(0)).join(' / ')}`,
      );
    }
    const ratios = results.map((x) => x.makespanMs / ideal);
    const target = targetCounts(n, SERVERS);
    const spreadOk = results.filter((x) => [...x.counts].sort((a, b) => b - a).join('/') === target).length;
    console.error(`spread ${target} in ${spreadOk} of ${rounds} round(s); makespan / ideal: median ${median(ratios).toFixed(3)}, worst ${Math.max(...ratios).toFixed(3)} (target ≤ 1.05)`);
    return {
      tasks: n,
      servers: SERVERS,
      rounds,
      counts: results.map((x) => x.counts.join('/')).join(','),
      target_counts: target,
      spread_ok: `${spreadOk}/${rounds}`,
      job_ms: single.toFixed(1),
      ideal_ms: ideal.toFixed(0),
      makespan_ms: median(results.map((x) => x.makespanMs)).toFixed(0),
      ratio: median(ratios).toFixed(3),
      ratio_worst: Math.max(...ratios).toFixed(3),
      target: 1.05,
    };
  } finally {
    bare?.close();
    await fleet.close();
  }
}

async function runRound(fleet: SimFleet, n: number, round: number): Promise<Round> {
  let be: BenchEngine | null = null;
  try {
    const b = (be = await startBenchEngine({ sims: fleet.servers }));
    const before = (await fleet.executions()).map((l) => l.length);
    const t0 = Date.now();
    const tasks = await Promise.all(Array.from({ length: n }, (_, i) => b.submit(modelFreeWorkflow({ seed: nextSeed() }), `p2-r${round}-${i}`)));
    const done = await b.succeeded(
      tasks.map((t) => t.id),
      120_000,
    );
    const counts = fleet.servers.map(() => 0);
    const lastEnd = fleet.servers.map(() => 0);
    for (const t of done) {
      const i = b.indexOf(t.serverId);
      counts[i] = (counts[i] ?? 0) + 1;
      lastEnd[i] = Math.max(lastEnd[i] ?? 0, (t.endedAt ?? t0) - t0);
    }
    const promptIds = done.map((t) => t.promptId ?? '');
    const runTimes = (await fleet.executions()).map((l, i) => runTimesOf(l.slice(before[i] ?? 0), promptIds));
    const simCounts = runTimes.map((l) => l.length);
    const all = runTimes.flat();
    return {
      counts,
      simCounts,
      makespanMs: Math.max(...done.map((t) => t.endedAt ?? Infinity)) - t0,
      firstDispatchMs: Math.min(...done.map((t) => t.dispatchedAt ?? Infinity)) - t0,
      lastEnd,
      jobMs: all.reduce((a, x) => a + x, 0) / all.length,
    };
  } finally {
    await be?.close();
  }
}

/** 100 over 3 → "34/33/33": as even as possible, largest first. */
function targetCounts(n: number, servers: number): string {
  return Array.from({ length: servers }, (_, i) => Math.floor(n / servers) + (i < n % servers ? 1 : 0)).join('/');
}
