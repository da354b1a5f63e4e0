import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskEvent, TaskView } from '../../src/shared/tasks';
import { holdsClaim } from '../../src/main/engine/tasks/task-policy';
import type { Store } from '../../src/main/engine/store/store';
import type { WorkerConfig, WorkerResult } from './fixtures/ledger-worker';
import type { Backend } from './harness';
import { postgresBackend, sqliteBackend } from './harness';

const WORKER = join(__dirname, 'fixtures', 'ledger-worker.ts');
const REPO = join(__dirname, '..', '..');
const CHILD_TIMEOUT_MS = 90_000;

/** Starts one worker process; resolves when it said "ready". */
function startWorker(config: WorkerConfig): Promise<{ child: ChildProcessWithoutNullStreams; result: Promise<WorkerResult> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { cwd: REPO, stdio: 'pipe' });
  let out = '';
  let err = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`worker ${config.name} exited before it was ready:\n${err}`)));
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('result '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('result '.length)) as WorkerResult);
      else reject(new Error(`worker ${config.name} ended with ${signal ?? code}:\n${err}`));
    });
  });
  result.catch(() => undefined);
  return ready.then(() => ({ child, result }));
}

async function allTasks(store: Store): Promise<TaskView[]> {
  const tasks: TaskView[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ limit: 1000, cursor });
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

/** Event-id interval during which a task held its key: from "created" to the event that ended the claim. */
function claimInterval(task: TaskView, events: TaskEvent[]): [number, number] {
  const created = events[0]?.id ?? 0;
  const end = events.find((e) => e.kind === 'transition' && !holdsClaim(task.mode, e.to));
  return [created, end ? end.id : Number.POSITIVE_INFINITY];
}

function twoProcesses(backend: Backend): void {
  describe(`two engine processes on one ${backend.name} ledger (S2)`, () => {
    it('S2 T2 T3: dedup, claims, versions and the state machine hold across processes', { timeout: 180_000 }, async () => {
      const db = await backend.fresh();
      const store = await db.open();
      await store.registerTaskType({ type: 'order', mode: 'once', retryLimit: 2, failover: 'wait' });
      await store.registerTaskType({ type: 'render', mode: 'rerunnable', retryLimit: 2, failover: 'wait' });

      const workers = await Promise.all(
        ['A', 'B'].map((name, i) => startWorker({ target: db.target, name, seed: 100 + i, iterations: 300, keys: 6 })),
      );
      for (const w of workers) w.child.stdin.write('go\n');
      const results = await Promise.all(workers.map((w) => w.result));

      for (const r of results) {
        expect(r.failures, `worker ${r.name}`).toEqual([]);
        expect(r.submissions.filter((s) => s.outcome === 'created').length, `worker ${r.name} created tasks`).toBeGreaterThan(0);
        expect(Object.keys(r.wins).length, `worker ${r.name} moved tasks`).toBeGreaterThan(0);
      }

      const tasks = await allTasks(store);
      const byId = new Map(tasks.map((t) => [t.id, t]));
      // Every answer names a task of the same type and key, with the outcome the policy allows.
      for (const s of results.flatMap((r) => r.submissions)) {
        const t = byId.get(s.taskId);
        expect(t, s.taskId).toBeDefined();
        expect([t?.type, t?.key]).toEqual([s.type, s.key]);
        expect(s.outcome).toBe(s.outcome === 'created' ? 'created' : s.type === 'order' ? 'deduplicated' : 'conflict');
      }
      // The processes did meet: some submissions were answered with the other process's task.
      const crossAnswers = results.flatMap((r) => r.submissions.filter((s) => s.outcome !== 'created' && !s.taskId.startsWith(`${r.name}-`)));
      expect(crossAnswers.length).toBeGreaterThan(0);
      // Every accepted write of either process is in the row: no lost update.
      for (const t of tasks) {
        const wins = results.reduce((n, r) => n + (r.wins[t.id] ?? 0), 0);
        expect(t.version, `task ${t.id}`).toBe(1 + wins);
      }
      // Rows replay from events through legal transitions only.
      let cursor: string | null = null;
      do {
        const page = await store.verifyTasks({ cursor });
        expect(page.mismatched).toEqual([]);
        cursor = page.nextCursor;
      } while (cursor);
      // At most one task held a key at any moment (ordered by the database's event ids).
      const groups = new Map<string, TaskView[]>();
      for (const t of tasks) groups.set(`${t.type}/${t.key}`, [...(groups.get(`${t.type}/${t.key}`) ?? []), t]);
      for (const [key, group] of groups) {
        const intervals = await Promise.all(group.map(async (t) => claimInterval(t, await store.listEvents(t.id))));
        intervals.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < intervals.length; i++) expect(intervals[i]![0], `claims of ${key} overlap`).toBeGreaterThan(intervals[i - 1]![1]);
        if (key.startsWith('order/')) expect(group.filter((t) => t.status === 'succeeded').length, key).toBeLessThanOrEqual(1);
      }
    });
  });
}

twoProcesses(sqliteBackend());
twoProcesses(postgresBackend());
