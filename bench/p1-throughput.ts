import { modelFreeWorkflow } from '../sim/src';
import type { BenchEngine, SimFleet } from './support';
import { BareClient, measureRunMs, median, nextSeed, startBenchEngine, startSimFleet } from './support';

/**
 * P1 (≥ 0.8 of a bare client): tasks/s through the engine vs a bare client on the same three
 * simulated servers, short model-free jobs (~0.1 s) so that the console's per-task work shows.
 *
 * Bare client: one WebSocket per server, POST /prompt with its own client_id and prompt_id, done
 * at the terminal `executing {node: null}` frame; two jobs in flight per server (the engine's
 * default max in-flight), fed from one shared list — the best a hand-written client can do.
 * Engine: production defaults, one engine for all runs (a console that is already up), every
 * task its own session (independent orders), all N submitted at once through `tasks.submit`;
 * done when every task is `succeeded` (history read, output fetched and stored, ledger written).
 * Elapsed time is first submit → last `endedAt` of the rows (not the 50 ms delta batching).
 *
 * Env: P1_TASKS (300), P1_RUNS (3), P1_JOB_MS (100: node durations scaled for jobs of about
 * that length), P1_SUBMITS_PER_S (the engine's B4 rate limit; default the product's 50/s).
 */
const SERVERS = 3;
const PER_SERVER = 2;

interface Side {
  perS: number;
  ms: number;
  counts: number[];
  /** Busy share of the servers during the run (sum of run times / servers × elapsed). */
  busy: number;
  /** Mean server-side run time of the run's jobs. */
  jobMs: number;
}

export async function runP1(): Promise<Record<string, string | number>> {
  const n = Number(process.env.P1_TASKS ?? 300);
  const runs = Number(process.env.P1_RUNS ?? 3);
  const warm = Math.max(30, Math.round(n / 5));
  // EmptyImage → ImageInvert → SaveImage; ~100 ms per job at speed 1.
  const jobMs = Number(process.env.P1_JOB_MS ?? 100);
  const durations = { EmptyImage: jobMs * 0.45, ImageInvert: jobMs * 0.45, SaveImage: jobMs * 0.1 };
  const fleet = await startSimFleet({ count: SERVERS, durations, names: ['p1-a', 'p1-b', 'p1-c'] });
  const sims = fleet.servers;
  let bare: BareClient | null = null;
  let be: BenchEngine | null = null;
  try {
    bare = await BareClient.connect(sims);
    const runMs: number[] = [];
    for (let i = 0; i < SERVERS; i++) runMs.push(await measureRunMs(bare, fleet, i, 5, (seed) => modelFreeWorkflow({ seed })));
    const ceiling = runMs.reduce((a, ms) => a + 1000 / ms, 0);
    console.error(`job run time per server (ms, median of 5): ${runMs.map((m) => m.toFixed(1)).join(' / ')} → fleet ceiling ${ceiling.toFixed(1)} tasks/s`);
    // B4's global rate limit (default 50 submissions/s) caps the engine by design; P1_SUBMITS_PER_S lifts it to find the dispatcher's own ceiling.
    const rate = process.env.P1_SUBMITS_PER_S ? Number(process.env.P1_SUBMITS_PER_S) : null;
    be = await startBenchEngine({ sims, ...(rate ? { ledger: { dispatch: { submitsPerSecond: rate, submitBurst: rate } } } : {}) });

    console.error(`warm-up: ${warm} tasks each side`);
    await runBare(bare, fleet, warm);
    await runEngine(be, fleet, warm, 'warm');

    const bareRuns: Side[] = [];
    const engineRuns: Side[] = [];
    console.error(`\n${'run'.padEnd(4)} ${'bare tasks/s'.padStart(13)} ${'engine tasks/s'.padStart(15)} ${'ratio'.padStart(6)}   bare busy  engine busy   job ms (bare | engine)   per-server (bare | engine)`);
    for (let r = 1; r <= runs; r++) {
      // Alternate the order so a drift of the machine does not favour one side.
      let b: Side;
      let e: Side;
      if (r % 2) {
        b = await runBare(bare, fleet, n);
        e = await runEngine(be, fleet, n, `r${r}`);
      } else {
        e = await runEngine(be, fleet, n, `r${r}`);
        b = await runBare(bare, fleet, n);
      }
      bareRuns.push(b);
      engineRuns.push(e);
      console.error(
        `${String(r).padEnd(4)} ${b.perS.toFixed(2).padStart(13)} ${e.perS.toFixed(2).padStart(15)} ${(e.perS / b.perS).toFixed(3).padStart(6)}   ${pc(b.busy).padStart(9)}  ${pc(e.busy).padStart(11)}   ${b.jobMs.toFixed(1).padStart(6)} | ${e.jobMs.toFixed(1).padEnd(15)}${b.counts.join('/')} | ${e.counts.join('/')}`,
      );
    }
    const bareMed = median(bareRuns.map((x) => x.perS));
    const engMed = median(engineRuns.map((x) => x.perS));
    const ratio = engMed / bareMed;
    console.error(`median of ${runs}: bare ${bareMed.toFixed(2)} tasks/s, engine ${engMed.toFixed(2)} tasks/s, ratio ${ratio.toFixed(3)} (target ≥ 0.8)`);
    const problems = be.logLines.filter((l) => /bug|failed|lost|unclear/i.test(l));
    if (problems.length) console.error(`engine log (${problems.length} line(s) worth a look):\n  ${problems.slice(0, 10).join('\n  ')}`);
    return {
      servers: SERVERS,
      tasks: n,
      runs,
      job_ms: median(runMs).toFixed(1),
      bare_per_s: bareMed.toFixed(2),
      engine_per_s: engMed.toFixed(2),
      ratio: ratio.toFixed(3),
      target: 0.8,
      bare_busy: median(bareRuns.map((x) => x.busy)).toFixed(3),
      engine_busy: median(engineRuns.map((x) => x.busy)).toFixed(3),
    };
  } finally {
    bare?.close();
    await be?.close();
    await fleet.close();
  }
}

/** Two workers per server pull from one shared list until it is empty. */
async function runBare(client: BareClient, fleet: SimFleet, n: number): Promise<Side> {
  const sims = fleet.servers;
  const before = (await fleet.executions()).map((l) => l.length);
  const counts = sims.map(() => 0);
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    sims.flatMap((_, i) =>
      Array.from({ length: PER_SERVER }, async () => {
        while (next < n) {
          next++;
          await client.run(i, modelFreeWorkflow({ seed: nextSeed() }));
          counts[i] = (counts[i] ?? 0) + 1;
        }
      }),
    ),
  );
  const ms = Date.now() - t0;
  return { perS: (n * 1000) / ms, ms, counts, ...(await busyShare(fleet, before, ms)) };
}

/** N tasks submitted at once, each its own session; done when all succeeded. */
async function runEngine(be: BenchEngine, fleet: SimFleet, n: number, tag: string): Promise<Side> {
  const sims = fleet.servers;
  const before = (await fleet.executions()).map((l) => l.length);
  const t0 = Date.now();
  const tasks = await Promise.all(Array.from({ length: n }, (_, i) => be.submit(modelFreeWorkflow({ seed: nextSeed() }), `p1-${tag}-${i}`)));
  const done = await be.succeeded(
    tasks.map((t) => t.id),
    Math.max(60_000, n * 1_000),
  );
  const end = Math.max(...done.map((t) => t.endedAt ?? 0));
  const ms = end - t0;
  const counts = sims.map(() => 0);
  for (const t of done) {
    const i = be.indexOf(t.serverId);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { perS: (n * 1000) / ms, ms, counts, ...(await busyShare(fleet, before, ms)) };
}

/** The servers' busy share over the run, and the mean run time of its jobs. */
async function busyShare(fleet: SimFleet, before: readonly number[], ms: number): Promise<{ busy: number; jobMs: number }> {
  let busy = 0;
  let jobs = 0;
  (await fleet.executions()).forEach((list, i) => {
    for (const e of list.slice(before[i] ?? 0)) {
      busy += e.endedAt - e.startedAt;
      jobs++;
    }
  });
  return { busy: busy / (fleet.servers.length * ms), jobMs: busy / jobs };
}

function pc(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
