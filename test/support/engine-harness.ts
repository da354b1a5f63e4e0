import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubmitArgs, TaskDetail } from '../../src/shared/api';
import type { LiveTaskView, SubmitOutcome, TaskView } from '../../src/shared/tasks';
import type { EngineOptions, LedgerSetup } from '../../src/main/engine/engine';
import { Engine } from '../../src/main/engine/engine';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import type { Store } from '../../src/main/engine/store/store';
import type { SimOptions, SimServer } from '../../sim/src';
import { startSim } from '../../sim/src';
import { FAST_ENGINE, FAST_LEDGER } from '../../harness/fast-timings';
import { until } from './until';

/**
 * A real engine over a real SQLite ledger in a temp folder, and simulated ComfyUI servers on
 * 127.0.0.1, with timings short enough for tests. Everything is closed by `close()`.
 */
export interface Harness {
  engine: Engine;
  store: Store;
  dir: string;
  sims: SimServer[];
  /** Starts one more simulator (not yet in the fleet). */
  sim(name: string, options?: SimOptions): Promise<SimServer>;
  /** Adds a simulator to the fleet and waits until it is healthy; returns its server id. */
  addServer(sim: SimServer, maxInFlight?: number): Promise<string>;
  submit(args: SubmitArgs, actor?: string): Promise<SubmitOutcome>;
  detail(id: string): Promise<TaskDetail>;
  task(id: string): Promise<TaskView>;
  /** Waits until the task is in one of `statuses`. */
  waitFor(id: string, statuses: TaskView['status'][], ms?: number): Promise<TaskView>;
  call<T>(name: string, args: unknown): Promise<T>;
  /** Every task.upsert the engine sent, in order. */
  updates: LiveTaskView[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  ledger?: Partial<Omit<LedgerSetup, 'store' | 'outputsDir'>>;
  engine?: Partial<EngineOptions>;
  /** Reuse a folder (and its ledger) instead of a fresh one: for restart tests. */
  dir?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cf-engine-'));
  const store = await openSqliteStore({ file: join(dir, 'ledger.sqlite') });
  const sims: SimServer[] = [];
  const updates: LiveTaskView[] = [];
  const engine = new Engine({
    ...FAST_ENGINE,
    ...options.engine,
    ledger: {
      store,
      outputsDir: join(dir, 'outputs'),
      ...FAST_LEDGER,
      ...options.ledger,
      tracker: { ...FAST_LEDGER.tracker, ...options.ledger?.tracker },
      dispatch: { ...FAST_LEDGER.dispatch, ...options.ledger?.dispatch },
      locks: { ...FAST_LEDGER.locks, ...options.ledger?.locks },
    },
  });
  engine.onEvent((e) => {
    if (e.type === 'deltas') for (const d of e.batch.deltas) if (d.type === 'task.upsert') updates.push(d.task);
  });
  await engine.ready;

  const call = async <T>(name: string, args: unknown, actor = 'operator'): Promise<T> => {
    const r = await engine.call(name, args, { actor });
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.value as T;
  };
  const task = async (id: string) => (await call<TaskDetail>('tasks.get', { id })).task;

  return {
    engine,
    store,
    dir,
    sims,
    updates,
    async sim(name, simOptions = {}) {
      const s = await startSim({ name, ...simOptions });
      sims.push(s);
      return s;
    },
    async addServer(s, maxInFlight) {
      const view = await call<{ id: string }>('servers.add', { url: s.url, name: s.name, ...(maxInFlight ? { maxInFlight } : {}) });
      await until(() => engine.snapshot().servers.find((x) => x.id === view.id)?.health.state === 'healthy', `${s.name} healthy`);
      return view.id;
    },
    submit: (args, actor = 'operator') => call<SubmitOutcome>('tasks.submit', args, actor),
    detail: (id) => call<TaskDetail>('tasks.get', { id }),
    task,
    async waitFor(id, statuses, ms = 30_000) {
      const seen: { last: TaskView | null } = { last: null };
      try {
        await until(async () => {
          seen.last = await task(id);
          return statuses.includes(seen.last.status);
        }, `task ${id} ${statuses.join('|')}`, ms);
      } catch (err) {
        throw new Error(`${(err as Error).message}; it is ${seen.last?.status ?? 'unknown'}${seen.last?.error ? ` (${seen.last.error.message})` : ''}`, { cause: err });
      }
      return seen.last as TaskView;
    },
    call: (name, args) => call(name, args),
    async close() {
      engine.dispose();
      await Promise.all(sims.map((s) => s.close()));
      await store.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
