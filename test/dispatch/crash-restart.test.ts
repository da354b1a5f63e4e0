import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../src/shared/api';
import type { FleetSnapshot } from '../../src/shared/fleet';
import type { SubmitOutcome, TaskCounts, TaskPage } from '../../src/shared/tasks';
import type { SimServer } from '../../sim/src';
import { modelFreeWorkflow, startSim } from '../../sim/src';
import { seeded } from '../../harness/seeded-random';
import type { ChildConfig } from '../../harness/engine-child';
import type { EngineProcess } from '../../harness/engine-process';
import { EngineGone, killAllEngineProcesses, startEngineProcess } from '../../harness/engine-process';
import { until } from '../support/until';

/*
 * T4 (exactly-once submission, start-up reconciliation) and T2 (idempotent submission) when the
 * engine itself dies: the engine runs in a child process and is SIGKILLed at seeded random
 * moments while an order service (this test) feeds it and three simulated servers (in this
 * process, so they outlive every kill) run its jobs.
 */

const TASKS = 300;
const KILLS = 5;
const SESSIONS = 20;
/** Change (or set CRASH_SEED) to explore other kill points; failures print the seed. */
const SEED = Number(process.env['CRASH_SEED'] ?? 5_2024);
/** Each kill lands this long (ms, seeded) after the engine said ready. */
const KILL_AFTER_MS: [number, number] = [250, 1_800];
/** The order service's pace: this many submissions in flight, each followed by a short pause. */
const SUBMITTERS = 6;
const SUBMIT_PAUSE_MS = 90;

const ORDER = { type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' } as const;

let sims: SimServer[] = [];
let dir: string | null = null;
afterEach(async () => {
  await killAllEngineProcesses();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  // CRASH_KEEP=1 keeps the data folder (ledger, engine.log) to look at.
  if (dir && !process.env['CRASH_KEEP']) rmSync(dir, { recursive: true, force: true });
  else if (dir) console.info(`crash-restart: data folder kept at ${dir}`);
  dir = null;
});

interface Answer {
  key: string;
  outcome: SubmitOutcome['outcome'];
  taskId: string;
  /** Which engine process (0 = first) answered. */
  life: number;
}

const keyOf = (n: number) => `order-${n}`;

describe('crash-restart: the engine is SIGKILLed 5 times while it works (T2, T4)', () => {
  it(
    'T4 T2: 300 orders over 3 servers, 5 kills and restarts on one ledger: every task ends, no prompt runs twice, every success ran exactly once',
    { timeout: 170_000 },
    async () => {
      const rand = seeded(SEED);
      const started = Date.now();
      // ~30 ms a job, all on the server's worker: long enough that kills land mid-run.
      sims = await Promise.all(['gpu-a', 'gpu-b', 'gpu-c'].map((name) => startSim({ name, durations: { EmptyImage: 20, ImageInvert: 5, SaveImage: 5 } })));
      // gpu-a answers POST /prompt slowly (the job is queued at once, the answer trickles for
      // ~2 s): kills then find prompts the server holds but the engine never saw confirmed (T4).
      sims[0]?.inject({ kind: 'slowBody', bytesPerSecond: 40, paths: ['/prompt'] });
      dir = mkdtempSync(join(tmpdir(), 'cf-crash-'));
      // Answers reach the order service 30 ms after the engine gave them, so kills also fall
      // between a submission's commit and its answer (the case idempotency keys are for).
      const config: ChildConfig = { dir, servers: sims.map((s) => ({ url: s.url, name: s.name })), replyDelayMs: 30 };
      const trace: string[] = [`seed ${SEED}`];

      // ── the engine's lives ────────────────────────────────────────────────────────
      let life = 0;
      let proc: EngineProcess = await startEngineProcess(config);
      await proc.call('types.set', ORDER);

      // The order service's state (it runs below, beside the killer).
      const answers: Answer[] = [];
      const unanswered: number[] = Array.from({ length: TASKS }, (_, i) => i);
      /** Submissions sent and not answered yet; answers lost to a kill; keys sent again after that. */
      let inFlight = 0;
      let lost = 0;
      let resubmitted = 0;
      const sent = new Set<number>();

      /** Tasks the ledger had as `dispatched` (committed, POST maybe unanswered) at each kill. */
      const dispatchedAtKills: number[] = [];
      const killer = (async () => {
        for (let k = 1; k <= KILLS; k++) {
          const wait = KILL_AFTER_MS[0] + Math.floor(rand() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
          await sleep(wait);
          const counts = await proc.call<TaskCounts>('tasks.counts', {}).catch(() => null);
          // While orders are still coming, kill with submissions on the wire: some reached the
          // ledger and lost only their answer, some never arrived.
          if (answers.length < TASKS) {
            await until(() => inFlight > 0, 'a submission in flight', 10_000).catch(() => undefined);
            await sleep(Math.floor(rand() * 30));
          }
          await proc.kill();
          dispatchedAtKills.push(counts?.dispatched ?? 0);
          trace.push(`kill ${k} of pid ${proc.pid} ${wait} ms after ready; ledger then: ${counts ? JSON.stringify(counts) : '?'}`);
          proc = await startEngineProcess(config);
          life = k;
        }
        // The point is made; the rest of the run need not crawl behind gpu-a's slow answers.
        await sims[0]?.lift('slowBody');
      })();

      // ── the order service: idempotent submissions, resubmitted when unanswered ───
      const submitter = async (): Promise<void> => {
        for (;;) {
          const n = unanswered.shift();
          if (n === undefined) return;
          const current = proc;
          if (!current.alive) {
            unanswered.unshift(n);
            await until(() => proc !== current, 'the engine restarted', 60_000);
            continue;
          }
          if (sent.has(n)) resubmitted++;
          sent.add(n);
          inFlight++;
          try {
            const r = await current.call<SubmitOutcome>('tasks.submit', {
              type: ORDER.type,
              key: keyOf(n),
              sessionId: `shop-${n % SESSIONS}`,
              workflow: modelFreeWorkflow({ seed: n + 1, width: 8, height: 8 }),
            });
            inFlight--;
            answers.push({ key: keyOf(n), outcome: r.outcome, taskId: r.task.id, life });
            await sleep(SUBMIT_PAUSE_MS);
          } catch (err) {
            inFlight--;
            if (!(err instanceof EngineGone)) throw err;
            // The answer was lost with the engine: ask the next one, with the same key.
            lost++;
            unanswered.unshift(n);
            await until(() => proc !== current, 'the engine restarted', 60_000);
          }
        }
      };
      await Promise.all([killer, ...Array.from({ length: SUBMITTERS }, submitter)]);
      // Orders cut off by the last kill were put back after their submitter gave up: finish them.
      while (unanswered.length) await submitter();
      const dedup = answers.filter((a) => a.outcome === 'deduplicated').length;
      trace.push(`all ${TASKS} orders answered after ${Date.now() - started} ms; ${lost} answer(s) lost to kills, ${resubmitted} resubmission(s), ${dedup} answered deduplicated`);

      // ── every task ends ──────────────────────────────────────────────────────────
      let counts: TaskCounts | null = null;
      try {
        await until(
          async () => {
            counts = await proc.call<TaskCounts>('tasks.counts', {});
            return counts.queued + counts.dispatched + counts.running === 0;
          },
          'every task terminal',
          90_000,
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}; counts ${JSON.stringify(counts)}\n${trace.join('\n')}\n${tail(dir)}`, { cause: err });
      }
      trace.push(`all terminal after ${Date.now() - started} ms: ${JSON.stringify(counts)}`);

      // ── what the ledger says ─────────────────────────────────────────────────────
      const page = await proc.call<TaskPage>('tasks.list', { limit: 1000 });
      expect(page.nextCursor).toBeNull();
      const details = new Map<string, TaskDetail>();
      await inPool(page.items, 20, async (t) => void details.set(t.id, await proc.call<TaskDetail>('tasks.get', { id: t.id })));
      const servers = (await proc.call<FleetSnapshot>('fleet.snapshot', {})).servers;
      const simOf = new Map(servers.map((s) => [s.id, sims.find((x) => x.url === s.url)]));
      expect(servers).toHaveLength(3);
      expect([...simOf.values()].every(Boolean)).toBe(true);
      const context = `\n${trace.join('\n')}`;
      // Some kills took a committed submission's answer with them, and its resubmission found it.
      expect(answers.filter((a) => a.outcome === 'deduplicated').length, `resubmissions answered deduplicated${context}`).toBeGreaterThan(0);
      // The kills did land inside submissions to servers (the case T4 is about), not only between them.
      expect(dispatchedAtKills.filter((n) => n > 0).length, `kills that found dispatched tasks${context}`).toBeGreaterThanOrEqual(2);

      // T2: one task per key, every answer for a key names it, and no answer but created/deduplicated.
      expect(page.total, `tasks in the ledger${context}`).toBe(TASKS);
      const byKey = new Map(page.items.map((t) => [t.key, t]));
      expect(byKey.size).toBe(TASKS);
      for (const a of answers) {
        expect(['created', 'deduplicated'], `${a.key}${context}`).toContain(a.outcome);
        expect(a.taskId, `${a.key}: answered with another task than the ledger's${context}`).toBe(byKey.get(a.key)?.id);
      }
      // After everything, every order submitted again is that same task (once + succeeded).
      await inPool(Array.from({ length: TASKS }, (_, n) => n), 20, async (n) => {
        const again = await proc.call<SubmitOutcome>('tasks.submit', { type: ORDER.type, key: keyOf(n), sessionId: `shop-${n % SESSIONS}`, workflow: modelFreeWorkflow({ seed: n + 1, width: 8, height: 8 }) });
        expect([again.outcome, again.task.id], keyOf(n)).toEqual(['deduplicated', byKey.get(keyOf(n))?.id]);
      });

      // Only the engine died: every order succeeded.
      const notSucceeded = page.items.filter((t) => t.status !== 'succeeded');
      expect(
        notSucceeded.map((t) => ({ id: t.id, key: t.key, status: t.status, error: t.error })),
        `tasks that did not succeed${context}`,
      ).toEqual([]);

      // ── what the servers ran ─────────────────────────────────────────────────────
      const runs = new Map<string, { server: string; outcome: string }[]>();
      for (const s of sims) {
        for (const e of s.executions()) runs.set(e.promptId, [...(runs.get(e.promptId) ?? []), { server: s.name, outcome: e.outcome }]);
        expect(s.queueDepth(), `${s.name} still holds work`).toEqual({ running: 0, pending: 0 });
      }
      // Each prompt_id executed at most once, anywhere.
      const twice = [...runs].filter(([, r]) => r.length > 1);
      expect(twice, `prompt_ids executed more than once${context}`).toEqual([]);

      const attemptPrompts = new Set<string>();
      for (const t of page.items) {
        const d = details.get(t.id) as TaskDetail;
        for (const a of d.attempts) attemptPrompts.add(a.promptId);
        const mayRunTwice = d.events.some((e) => e.kind === 'message' && e.level === 'warning' && e.text.includes('may run twice'));
        // Every succeeded task's current prompt_id ran exactly once, successfully, on its own server.
        const own = simOf.get(t.serverId ?? '');
        expect(own, `task ${t.id} (${t.key}) names no known server`).toBeDefined();
        const ranHere = (own as SimServer).executions().filter((e) => e.promptId === t.promptId);
        expect(
          ranHere.map((e) => e.outcome),
          `task ${t.id} (${t.key}): executions of its prompt ${t.promptId} on ${own?.name}; events ${eventsOf(d)}${context}`,
        ).toEqual(['success']);
        // The task did not run twice under two attempts (only the engine died, so no warning is due either).
        const executedAttempts = d.attempts.filter((a) => runs.has(a.promptId));
        expect(executedAttempts.map((a) => a.promptId), `task ${t.id} (${t.key}) ran under more than one attempt; events ${eventsOf(d)}`).toHaveLength(1);
        expect(mayRunTwice, `task ${t.id} (${t.key}) carries a "may run twice" warning though no server was lost; events ${eventsOf(d)}`).toBe(false);
      }
      const attempts = [...details.values()].map((d) => d.attempts.length);
      trace.push(`attempts per task: ${[...new Set(attempts)].sort().map((n) => `${n}×${attempts.filter((x) => x === n).length}`).join(' ')}`);
      // Nothing ran that the ledger does not know as an attempt of some task.
      const strangers = [...runs.keys()].filter((p) => !attemptPrompts.has(p));
      expect(strangers, 'executed prompt_ids that belong to no attempt').toEqual([]);

      // L2: with every task ended, no session stays locked.
      await until(async () => (await proc.call<unknown[]>('locks.list', {})).length === 0, 'no lock left', 15_000);
      trace.push(`checked after ${Date.now() - started} ms`);
      console.info(`crash-restart: ${trace.join('; ')}`);
    },
  );
});

/** Runs `fn` over `items`, `width` at a time. */
async function inPool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function eventsOf(d: TaskDetail): string {
  return JSON.stringify(
    d.events.map((e) => (e.kind === 'transition' ? `${e.to}${e.to === 'dispatched' ? `(${e.promptId.slice(0, 8)}@${e.serverId})` : ''}` : e.kind === 'message' ? `${e.level}: ${e.text}` : e.kind)),
  );
}

/** The last lines of the engines' log, for a failure message. */
function tail(folder: string): string {
  try {
    return readFileSync(join(folder, 'engine.log'), 'utf8').split('\n').slice(-60).join('\n');
  } catch {
    return '(no engine log)';
  }
}
