import type { ServerConfig } from '../../src/shared/fleet';
import type { TaskError } from '../../src/shared/tasks';
import type { Clock } from '../../src/main/engine/core/clock';
import { systemClock } from '../../src/main/engine/core/clock';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import { MoveTo } from '../../src/main/engine/tasks/move-to';
import { txt2imgWorkflow } from '../../sim/src';
import type { SimRef } from '../support';
import { mulberry32 } from '../support';

/** Task types of the seeded ledger besides `default`. */
const TYPES = [
  { type: 'product-photo', mode: 'once', retryLimit: 2, failover: 'wait' },
  { type: 'upscale', mode: 'rerunnable', retryLimit: 1, failover: 'move' },
  { type: 'thumbnail', mode: 'rerunnable', retryLimit: 0, failover: 'move' },
] as const;

const ERRORS: TaskError[] = [
  { code: 'execution', message: 'KSampler (node 3): CUDA out of memory', nodeErrors: [{ nodeId: '3', classType: 'KSampler', message: 'CUDA out of memory' }] },
  { code: 'validation', message: 'prompt has no outputs the server accepts', nodeErrors: [{ nodeId: '9', classType: 'SaveImage', message: 'Required input is missing: images' }] },
  { code: 'server_lost', message: 'server stopped answering while the task ran; retry limit reached' },
];

export interface SeededLedger {
  /** Per status, as seeded. */
  counts: Record<string, number>;
  seconds: number;
}

/**
 * Fills the SQLite ledger at `file` the way a busy console leaves it after a day: the fleet's
 * servers saved (so the engine keeps their ids), and `count` finished tasks through the store's
 * own operations (submit, dispatch, run, end) — mixed statuses, four types, 400 sessions, order
 * keys on most, spread over the last 24 hours, each on one of the servers. All terminal: the
 * engine takes nothing back at start, so the only live work is what the benchmark adds.
 */
export async function seedLedger(file: string, sims: readonly SimRef[], count: number, seed = 5): Promise<SeededLedger> {
  const t0 = performance.now();
  const random = mulberry32(seed);
  const start = Date.now() - 24 * 60 * 60 * 1000;
  let now = start;
  // Time of the seeded rows is set per task, so "newest first" has something to sort.
  const clock: Clock = { ...systemClock, now: () => now };
  const store = await openSqliteStore({ file, clock });
  const counts: Record<string, number> = {};
  try {
    for (const t of TYPES) await store.registerTaskType({ ...t });
    const servers: ServerConfig[] = sims.map((s, i) => ({
      id: `srv-p5-${String(i).padStart(2, '0')}`,
      name: s.name,
      url: s.url,
      enabled: true,
      drained: false,
      maxInFlight: 2,
      tags: i % 5 === 0 ? ['h100'] : ['a10'],
      addedAt: start + i,
    }));
    for (const s of servers) await store.saveServer(s);
    const workflows = Array.from({ length: 16 }, (_, i) => JSON.stringify(txt2imgWorkflow({ seed: i, steps: 20 + i })));
    for (let i = 0; i < count; i++) {
      now = start + Math.floor((i / count) * 24 * 60 * 60 * 1000);
      const r = random();
      const type = r < 0.55 ? 'product-photo' : r < 0.75 ? 'default' : r < 0.9 ? 'upscale' : 'thumbnail';
      const { task } = await store.submit({
        type,
        sessionId: `shop-${Math.floor(random() * 400)}`,
        key: random() < 0.8 ? `order-${100_000 + i}` : null,
        workflow: workflows[i % workflows.length],
      });
      const server = servers[Math.floor(random() * servers.length)] as ServerConfig;
      const end = random();
      const status = end < 0.82 ? 'succeeded' : end < 0.91 ? 'failed' : end < 0.96 ? 'cancelled' : 'interrupted';
      counts[status] = (counts[status] ?? 0) + 1;
      now += 200;
      const dispatched = await store.transition(task.id, MoveTo.dispatched(server.id, `p5-${i}`), { expectedVersion: task.version });
      now += 300 + Math.floor(random() * 2_000);
      const running = await store.transition(task.id, MoveTo.running(), { expectedVersion: dispatched.version });
      now += 1_000 + Math.floor(random() * 20_000);
      const change =
        status === 'succeeded'
          ? MoveTo.succeeded([{ nodeId: '9', filename: `ComfyUI_${String(i).padStart(5, '0')}_.png`, subfolder: '', type: 'output' }])
          : status === 'failed'
            ? MoveTo.failed(ERRORS[i % ERRORS.length] as TaskError)
            : status === 'cancelled'
              ? MoveTo.cancelled('cancelled by operator')
              : MoveTo.interrupted('interrupted on the server');
      await store.transition(task.id, change, { expectedVersion: running.version });
    }
  } finally {
    await store.close();
  }
  return { counts, seconds: (performance.now() - t0) / 1000 };
}
