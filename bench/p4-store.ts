import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskView } from '../src/shared/tasks';
import { openPostgresStore } from '../src/main/engine/store/open-postgres';
import { openSqliteStore } from '../src/main/engine/store/open-sqlite';
import type { Store } from '../src/main/engine/store/store';
import { LedgerError } from '../src/main/engine/tasks/ledger-error';
import type { TaskChange } from '../src/main/engine/tasks/move-to';
import { MoveTo } from '../src/main/engine/tasks/move-to';
import { createDatabase, findPgBin, startPostgresCluster } from '../harness/postgres';
import { txt2img } from '../harness/workflows';

/**
 * P4 (zero lost updates; SQLite ≥ 5 000 transitions/s): 100 000 tasks, 50 concurrent writers,
 * on SQLite (several connections to one WAL file) and on PostgreSQL (a pool of 50 on a durable
 * throwaway cluster). Writers race on a shared window of hot tasks with optimistic versions,
 * like dispatchers and socket handlers do; every accepted write is counted on the client and
 * then compared with the rows (version = 1 + accepted writes) and with the events (replay).
 *
 * Env: P4_TASKS (100000), P4_SECONDS (transition phase budget per database, 20), P4_PG=0 skips PostgreSQL.
 */
const WRITERS = 50;
const HOT_WINDOW = 200;

interface Figures {
  submitPerS: number;
  transitionsPerS: number;
  transitions: number;
  conflicts: number;
  lostUpdates: number;
  mismatched: number;
  finished: number;
}

export async function runP4(): Promise<Record<string, string | number>> {
  const tasks = Number(process.env.P4_TASKS ?? 100_000);
  const seconds = Number(process.env.P4_SECONDS ?? 20);
  const out: Record<string, string | number> = { tasks, writers: WRITERS };

  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-p4-'));
  try {
    const file = join(dir, 'ledger.sqlite');
    const s = await measure('sqlite', (i) => openSqliteStore({ file, newId: ids(`c${i}`) }), 1, tasks, seconds);
    Object.assign(out, prefixed('sqlite', s));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (process.env.P4_PG === '0' || !findPgBin()) {
    out.postgres = 'skipped';
  } else {
    const cluster = await startPostgresCluster({ durable: true });
    try {
      const db = await createDatabase(cluster.adminUrl, 'p4');
      const p = await measure('postgres', (i) => openPostgresStore({ url: db.url, poolSize: WRITERS, newId: ids(`c${i}`) }), 1, tasks, seconds);
      Object.assign(out, prefixed('postgres', p));
    } finally {
      await cluster.stop();
    }
  }
  out.target_sqlite_tps = 5000;
  return out;
}

function prefixed(db: string, f: Figures): Record<string, number> {
  return {
    [`${db}_submit_per_s`]: Math.round(f.submitPerS),
    [`${db}_transitions_per_s`]: Math.round(f.transitionsPerS),
    [`${db}_transitions`]: f.transitions,
    [`${db}_conflicts`]: f.conflicts,
    [`${db}_lost_updates`]: f.lostUpdates,
    [`${db}_replay_mismatches`]: f.mismatched,
  };
}

function ids(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${(++n).toString(36).padStart(6, '0')}`;
}

async function measure(label: string, open: (i: number) => Promise<Store>, connections: number, count: number, seconds: number): Promise<Figures> {
  const stores = await Promise.all(Array.from({ length: connections }, (_, i) => open(i)));
  try {
    await stores[0]!.registerTaskType({ type: 'order', mode: 'once', retryLimit: 2, failover: 'wait' });
    const workflow = JSON.stringify(txt2img());

    // Phase 1: submissions, 50 writers, one key each (an order id).
    const taskIds: string[] = new Array<string>(count);
    let next = 0;
    let t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = stores[w % stores.length]!;
        for (let i = next++; i < count; i = next++) {
          const r = await store.submit({ type: 'order', sessionId: `session-${i % 500}`, key: `order-${i}`, workflow });
          taskIds[i] = r.task.id;
        }
      }),
    );
    const submitPerS = count / ((performance.now() - t0) / 1000);
    console.error(`${label}: ${count} submissions at ${Math.round(submitPerS)}/s`);

    // Phase 2: transitions, 50 writers racing on a window of hot tasks.
    const index = new Map(taskIds.map((id, i) => [id, i]));
    const wins = new Int32Array(count);
    const window: string[] = taskIds.slice(0, HOT_WINDOW);
    let feed = window.length;
    let transitions = 0;
    let conflicts = 0;
    let finished = 0;
    const deadline = performance.now() + seconds * 1000;
    let rand = 0x9e3779b9;
    const random = () => {
      rand ^= rand << 13;
      rand ^= rand >>> 17;
      rand ^= rand << 5;
      return (rand >>> 0) / 4294967296;
    };
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const store = stores[w % stores.length]!;
        while (window.length > 0 && performance.now() < deadline) {
          const slot = Math.floor(random() * window.length);
          const id = window[slot]!;
          const task = await store.getTask(id);
          if (!task) continue;
          const change = lifecycle(task, w);
          try {
            const after = change === 'progress' ? await store.reportProgress(id, { value: 1, max: 2, nodeId: '3' }, { expectedVersion: task.version }) : await store.transition(id, change, { expectedVersion: task.version });
            transitions++;
            wins[index.get(id)!]! += 1;
            if (after.status === 'succeeded') {
              finished++;
              const at = window.indexOf(id);
              if (at >= 0) {
                if (feed < count) window[at] = taskIds[feed++]!;
                else window.splice(at, 1);
              }
            }
          } catch (err) {
            if (err instanceof LedgerError && (err.code === 'version_conflict' || err.code === 'terminal')) conflicts++;
            else throw err;
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const transitionsPerS = transitions / elapsed;
    console.error(`${label}: ${transitions} transitions in ${elapsed.toFixed(1)} s = ${Math.round(transitionsPerS)}/s, ${conflicts} conflicts, ${finished} tasks finished`);

    // Phase 3: every accepted write must be in its row, and rows must replay from events.
    let lostUpdates = 0;
    let cursor: string | null = null;
    do {
      const page: { items: TaskView[]; nextCursor: string | null } = await stores[0]!.listTasks({ limit: 1000, cursor });
      for (const t of page.items) if (t.version !== 1 + (wins[index.get(t.id) ?? -1] ?? 0)) lostUpdates++;
      cursor = page.nextCursor;
    } while (cursor);
    let mismatched = 0;
    cursor = null;
    do {
      const page = await stores[0]!.verifyTasks({ cursor, limit: 2000 });
      mismatched += page.mismatched.length;
      cursor = page.nextCursor;
    } while (cursor);
    console.error(`${label}: lost updates ${lostUpdates}, replay mismatches ${mismatched}`);
    return { submitPerS, transitionsPerS, transitions, conflicts, lostUpdates, mismatched, finished };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

/** The happy path of a task, with progress: what most writes to the ledger look like. */
function lifecycle(task: TaskView, writer: number): TaskChange | 'progress' {
  switch (task.status) {
    case 'queued':
      return MoveTo.dispatched(`gpu-${writer % 3}`, `${task.id}-a${task.attempt + 1}-w${writer}`);
    case 'dispatched':
      return MoveTo.running();
    case 'running':
      return task.progress ? MoveTo.succeeded([{ nodeId: '9', filename: `${task.id}.png`, subfolder: '', type: 'output' }]) : 'progress';
    default:
      return MoveTo.cancelled('unreachable');
  }
}
