import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerId } from '../src/shared/fleet';
import type { SubmitOutcome, TaskView } from '../src/shared/tasks';
import type { LedgerSetup } from '../src/main/engine/engine';
import { Engine } from '../src/main/engine/engine';
import type { Random } from '../src/main/engine/core/clock';
import { openSqliteStore } from '../src/main/engine/store/open-sqlite';
import type { Store } from '../src/main/engine/store/store';
import type { ApiWorkflow, ExecutionRecord, FleetOptions, SimServer } from '../sim/src';
import { startFleet } from '../sim/src';

/**
 * Shared pieces of the dispatcher benchmarks (P1–P3): simulated servers in a process of their
 * own, an engine with a SQLite ledger in a temp folder over them (production defaults unless a
 * benchmark says otherwise), a bare ComfyUI client to compare with, a seeded PRNG and percentile
 * helpers. Everything on 127.0.0.1.
 */

// ── simulated fleet in a child process ──────────────────────────────────────────────────

/** A simulated server as the benchmarks see it from the other process. */
export interface SimRef {
  url: string;
  name: string;
}

export interface SimFleet {
  servers: SimRef[];
  /** Every job each server ran so far (the simulator's execution records), per server. */
  executions(): Promise<ExecutionRecord[][]>;
  close(): Promise<void>;
}

const CHILD_ENV = 'COMFYFLEET_BENCH_SIMS';

type ToChild = { type: 'executions'; id: number } | { type: 'close' };
type FromChild = { type: 'ready'; servers: SimRef[] } | { type: 'executions'; id: number; list: ExecutionRecord[][] };

/**
 * Starts the simulators in a separate Node process. A GPU server is another machine: its job
 * timings must not stretch when the console's event loop is busy, which they would if the
 * simulators' timers shared the engine's process.
 */
export function startSimFleet(options: FleetOptions): Promise<SimFleet> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support.ts')], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, [CHILD_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let nextId = 1;
    const pending = new Map<number, (list: ExecutionRecord[][]) => void>();
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('bench: the simulator process did not start within 30 s'));
    }, 30_000);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.once('exit', (code) => {
      clearTimeout(startTimer);
      reject(new Error(`bench: the simulator process exited (${code})`));
      for (const p of pending.values()) p([]);
    });
    child.on('message', (raw) => {
      const m = raw as FromChild;
      if (m.type === 'ready') {
        clearTimeout(startTimer);
        resolve({
          servers: m.servers,
          executions: () =>
            new Promise((r) => {
              const id = nextId++;
              pending.set(id, r);
              child.send({ type: 'executions', id } satisfies ToChild);
            }),
          async close() {
            if (child.exitCode === null && child.connected) child.send({ type: 'close' } satisfies ToChild);
            const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(killer);
          },
        });
      } else if (m.type === 'executions') {
        pending.get(m.id)?.(m.list);
        pending.delete(m.id);
      }
    });
  });
}

async function simChild(options: FleetOptions): Promise<void> {
  const sims: SimServer[] = await startFleet(options);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.on('message', (raw) => {
    const m = raw as ToChild;
    if (m.type === 'executions') process.send?.({ type: 'executions', id: m.id, list: sims.map((s) => s.executions()) } satisfies FromChild);
    else void close();
  });
  // The benchmark process went away: never leave servers behind.
  process.on('disconnect', () => void close());
  process.send?.({ type: 'ready', servers: sims.map((s) => ({ url: s.url, name: s.name })) } satisfies FromChild);
}

const childOptions = process.env[CHILD_ENV];
if (childOptions) {
  simChild(JSON.parse(childOptions) as FleetOptions).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

// ── statistics and formatting ───────────────────────────────────────────────────────────

/** Nearest-rank percentile (p in 0..100). */
export function pct(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (!n) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function mean(samples: readonly number[]): number {
  return samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN;
}

/** mulberry32, shared with the tests: one seeded PRNG for arrivals and choices. */
export { seeded as mulberry32 } from '../harness/seeded-random';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`bench: ${what} not reached within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Every job of the benchmarks gets its own seed, so no two are cache hits of each other on a server. */
let seedCounter = 1;
export function nextSeed(): number {
  return seedCounter++;
}

// ── engine ──────────────────────────────────────────────────────────────────────────────

export interface BenchEngineOptions {
  sims: readonly SimRef[];
  /** Per server, as the console's setting (default 2, the product default). */
  maxInFlight?: number;
  ledger?: Partial<Omit<LedgerSetup, 'store' | 'outputsDir'>>;
  random?: Random;
  /** Delta coalescing (default: the engine's 50 ms). Timings are taken from the rows, not from deltas. */
  deltaIntervalMs?: number;
}

export interface BenchEngine {
  engine: Engine;
  /** Server ids in the order of `sims`. */
  serverIds: ServerId[];
  /** Index into `sims` of a server id. */
  indexOf(id: ServerId | null): number;
  /** `tasks.submit`; throws with the engine's error code and message. */
  submit(workflow: ApiWorkflow, sessionId: string, pinServerId?: ServerId): Promise<TaskView>;
  /** Resolves with the terminal rows of `ids` once all succeeded (from `task.upsert` deltas); throws on any other end or after `timeoutMs`. */
  succeeded(ids: readonly string[], timeoutMs: number): Promise<TaskView[]>;
  /** Log lines the engine wrote (kept to report problems). */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * A real engine with its production defaults (probes, tracker, dispatch limits) over a SQLite
 * ledger in a fresh temp folder, the given simulators as its fleet; resolves once every server
 * is healthy with its socket open.
 */
export async function startBenchEngine(o: BenchEngineOptions): Promise<BenchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-bench-'));
  let store: Store | null = null;
  let engine: Engine | null = null;
  try {
    store = await openSqliteStore({ file: join(dir, 'ledger.sqlite') });
    const logLines: string[] = [];
    const e = (engine = new Engine({
      servers: o.sims.map((s) => ({ url: s.url, name: s.name, ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}) })),
      ledger: { store, outputsDir: join(dir, 'outputs'), ...o.ledger },
      ...(o.random ? { random: o.random } : {}),
      ...(o.deltaIntervalMs !== undefined ? { deltaIntervalMs: o.deltaIntervalMs } : {}),
      log: (line) => {
        if (logLines.length < 1_000) logLines.push(line);
      },
    }));
    const terminal = new Map<string, TaskView>();
    let wake: (() => void) | null = null;
    e.onEvent((ev) => {
      if (ev.type !== 'deltas') return;
      let any = false;
      for (const d of ev.batch.deltas) {
        if (d.type !== 'task.upsert') continue;
        const t = d.task;
        if (t.status === 'succeeded' || t.status === 'failed' || t.status === 'cancelled' || t.status === 'interrupted') {
          terminal.set(t.id, t);
          any = true;
        }
      }
      if (any) wake?.();
    });
    await e.ready;
    await waitFor(
      () => {
        const servers = e.snapshot().servers;
        return servers.length === o.sims.length && servers.every((s) => s.health.state === 'healthy' && s.socket.state === 'open');
      },
      'every server healthy with its socket open',
      15_000,
    );
    const servers = e.snapshot().servers;
    const serverIds: ServerId[] = o.sims.map((s) => {
      const v = servers.find((x) => x.name === s.name);
      if (!v) throw new Error(`bench: server ${s.name} is not in the engine's fleet`);
      return v.id;
    });
    const st = store;
    return {
      engine: e,
      serverIds,
      logLines,
      indexOf: (id) => (id === null ? -1 : serverIds.indexOf(id)),
      async submit(workflow, sessionId, pinServerId) {
        const r = await e.call('tasks.submit', { workflow, sessionId, ...(pinServerId ? { pinServerId } : {}) }, { actor: 'bench' });
        if (!r.ok) throw new Error(`tasks.submit: ${r.error.code}: ${r.error.message}`);
        return (r.value as SubmitOutcome).task;
      },
      async succeeded(ids, timeoutMs) {
        const end = performance.now() + timeoutMs;
        for (;;) {
          const missing = ids.filter((id) => !terminal.has(id));
          const bad = ids.map((id) => terminal.get(id)).find((t) => t && t.status !== 'succeeded');
          if (bad) throw new Error(`task ${bad.id} ended ${bad.status}: ${bad.error?.code ?? ''} ${bad.error?.message ?? ''}`);
          if (!missing.length) return ids.map((id) => terminal.get(id) as TaskView);
          const left = end - performance.now();
          if (left <= 0) {
            const sample = await Promise.all(missing.slice(0, 3).map(async (id) => {
              const d = await e.call('tasks.get', { id });
              const t = d.ok ? (d.value as { task: TaskView & { waiting?: string | null } }).task : null;
              return `${id}: ${t ? `${t.status}${t.waiting ? ` (${t.waiting})` : ''} on ${t.serverId ?? '-'}` : 'unknown'}`;
            }));
            throw new Error(`bench: ${missing.length} of ${ids.length} task(s) not finished within ${timeoutMs} ms, e.g. ${sample.join('; ')}`);
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(left, 1_000));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        }
      },
      async close() {
        e.dispose();
        await st.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    engine?.dispose();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

// ── bare client ─────────────────────────────────────────────────────────────────────────

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  error: string | null;
}

/**
 * What a hand-written client does, and nothing more: one WebSocket per server with its own
 * client_id, `POST /prompt` with a prompt_id it chose (so it can listen before it posts), and
 * the job counts as done at the terminal `executing {node: null, prompt_id}` frame. No ledger,
 * no history, no outputs.
 */
export class BareClient {
  private readonly sockets: WebSocket[] = [];
  private readonly waiters: Map<string, Waiter>[] = [];
  readonly clientId = `bare-${randomUUID()}`;

  private constructor(private readonly sims: readonly SimRef[]) {}

  static async connect(sims: readonly SimRef[]): Promise<BareClient> {
    const c = new BareClient(sims);
    try {
      for (const sim of sims) await c.open(sim);
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  }

  private async open(sim: SimRef): Promise<void> {
    const waiters = new Map<string, Waiter>();
    const ws = new WebSocket(`${sim.url.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(this.clientId)}`, { perMessageDeflate: false });
    this.sockets.push(ws);
    this.waiters.push(waiters);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: { type?: string; data?: { node?: unknown; prompt_id?: unknown; exception_message?: unknown } };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      const id = typeof msg.data?.prompt_id === 'string' ? msg.data.prompt_id : null;
      const w = id ? waiters.get(id) : undefined;
      if (!id || !w) return;
      if (msg.type === 'execution_error' || msg.type === 'execution_interrupted') w.error = `${msg.type}: ${String(msg.data?.exception_message ?? '')}`;
      if (msg.type === 'executing' && msg.data?.node === null) {
        waiters.delete(id);
        if (w.error) w.reject(new Error(`${sim.name}: prompt ${id}: ${w.error}`));
        else w.resolve();
      }
    });
    ws.on('close', () => {
      for (const [id, w] of waiters) w.reject(new Error(`${sim.name}: socket closed while prompt ${id} was running`));
      waiters.clear();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  /** Runs one job on server `index` and resolves at its terminal frame with its prompt_id. */
  async run(index: number, workflow: ApiWorkflow): Promise<string> {
    const sim = this.sims[index];
    const waiters = this.waiters[index];
    if (!sim || !waiters) throw new Error(`bare client: no server ${index}`);
    const promptId = randomUUID();
    const done = new Promise<void>((resolve, reject) => waiters.set(promptId, { resolve, reject, error: null }));
    const res = await fetch(`${sim.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: workflow, prompt_id: promptId, client_id: this.clientId }),
    });
    const body = await res.text();
    if (!res.ok) {
      waiters.delete(promptId);
      throw new Error(`${sim.name}: POST /prompt answered ${res.status}: ${body.slice(0, 200)}`);
    }
    await done;
    return promptId;
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

/** Server-side run times (the simulator's execution records, start → end) of `promptIds`, in ms. */
export function runTimesOf(records: readonly ExecutionRecord[], promptIds: readonly string[]): number[] {
  const ids = new Set(promptIds);
  return records.filter((e) => ids.has(e.promptId)).map((e) => e.endedAt - e.startedAt);
}

/** Median server-side run time of `n` jobs run one at a time on server `index` (after one unmeasured job). */
export async function measureRunMs(client: BareClient, fleet: SimFleet, index: number, n: number, workflow: (seed: number) => ApiWorkflow): Promise<number> {
  const ids: string[] = [];
  await client.run(index, workflow(nextSeed()));
  for (let i = 0; i < n; i++) ids.push(await client.run(index, workflow(nextSeed())));
  return median(runTimesOf((await fleet.executions())[index] ?? [], ids));
}
