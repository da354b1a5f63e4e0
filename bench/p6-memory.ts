import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../src/main/engine/store/open-postgres';
import { openSqliteStore } from '../src/main/engine/store/open-sqlite';
import type { Store } from '../src/main/engine/store/store';
import { MoveTo } from '../src/main/engine/tasks/move-to';
import { txt2img } from '../harness/workflows';
import { createDatabase, findPgBin, startPostgresCluster } from '../harness/postgres';

/**
 * P6 (RSS ≤ 200 MB): a ledger holding 100 000 tasks is filled, then a fresh engine process
 * opens it and loads what the console shows first — the first page of the task table, the
 * counts by status, the dispatcher's first page of unfinished tasks, the locks — and reports
 * its resident memory. A fresh process, so the filling does not count. SQLite, and PostgreSQL
 * when its binaries are installed.
 *
 * Env: P6_TASKS (100000), P6_PG=0 skips PostgreSQL.
 */
type Target = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

const CHILD_ENV = 'COMFYFLEET_P6_CHILD';
const WRITERS = 50;

export async function runP6(): Promise<Record<string, string | number>> {
  const count = Number(process.env.P6_TASKS ?? 100_000);
  const out: Record<string, string | number> = { tasks: count };

  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-p6-'));
  try {
    const target: Target = { kind: 'sqlite', file: join(dir, 'ledger.sqlite') };
    await fill(await openSqliteStore({ file: target.file }), count, 'sqlite');
    Object.assign(out, prefixed('sqlite', await measureInChild(target)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (process.env.P6_PG === '0' || !findPgBin()) {
    out.postgres = 'skipped';
  } else {
    const cluster = await startPostgresCluster();
    try {
      const db = await createDatabase(cluster.adminUrl, 'p6');
      await fill(await openPostgresStore({ url: db.url, poolSize: WRITERS }), count, 'postgres');
      Object.assign(out, prefixed('postgres', await measureInChild({ kind: 'postgres', url: db.url })));
    } finally {
      await cluster.stop();
    }
  }
  out.target_mb = 200;
  return out;
}

function prefixed(db: string, m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`${db}_${k}`, v]));
}

/** 100 000 tasks through the store, as the console would record them; one in twenty finished. */
async function fill(store: Store, count: number, label: string): Promise<void> {
  const t0 = performance.now();
  const workflow = JSON.stringify(txt2img());
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < count; i = next++) {
          const { task } = await store.submit({ sessionId: `session-${i % 500}`, key: `order-${i}`, workflow });
          if (i % 20 === 0) {
            const d = await store.transition(task.id, MoveTo.dispatched(`gpu-${i % 3}`, `p6-${i}`), { expectedVersion: 1 });
            await store.transition(task.id, MoveTo.succeeded([{ nodeId: '9', filename: `ComfyFleet_${i}.png`, subfolder: '', type: 'output' }]), { expectedVersion: d.version });
          }
        }
      }),
    );
  } finally {
    await store.close();
  }
  console.error(`${label}: ${count} tasks stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function measureInChild(target: Target): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'p6-memory.ts')], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, [CHILD_ENV]: JSON.stringify(target) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as Record<string, number>);
      else reject(new Error(`p6 child failed with ${code}: ${out}`));
    });
  });
}

async function child(target: Target): Promise<void> {
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const store = target.kind === 'sqlite' ? await openSqliteStore({ file: target.file }) : await openPostgresStore({ url: target.url });
  const t0 = performance.now();
  const page = await store.listTasks({ limit: 100 });
  const counts = await store.countByStatus();
  const unfinished = await store.listUnfinished({ limit: 100 });
  await store.listLocks();
  const firstPageMs = performance.now() - t0;
  if (page.total < 1 || page.items.length !== 100 || unfinished.items.length !== 100) throw new Error('the ledger was not filled');
  gc?.();
  const m = process.memoryUsage();
  console.error(`${target.kind}: first page of ${page.total} tasks (${counts.queued} queued, ${counts.succeeded} succeeded) in ${firstPageMs.toFixed(0)} ms; rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`);
  process.stdout.write(`${JSON.stringify({ rss_mb: mb(m.rss), heap_mb: mb(m.heapUsed), baseline_rss_mb: mb(baseline), first_page_ms: Math.round(firstPageMs) })}\n`);
  await store.close();
}

const childTarget = process.env[CHILD_ENV];
if (childTarget) {
  child(JSON.parse(childTarget) as Target).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
