/**
 * The simulator-bearing half of the demo fleet. Only `launcher.ts` loads it, by a dynamic
 * `import()` when the demo is started: no host imports it statically, so the Electron main
 * bundle carries `sim/` in a chunk of its own that is loaded only for the demo.
 */
import type { SimServer } from '../../sim/src';
import { startFleet, txt2imgWorkflow } from '../../sim/src';
import type { Engine } from '../main/engine/engine';
import type { ServerInput } from '../main/engine/fleet/fleet-monitor';

export interface DemoFleet {
  servers: SimServer[];
  /** The simulated servers as the engine takes them. */
  serverInputs: ServerInput[];
  /** Starts a trickle of tasks through the engine, as an operator or an order service would. */
  startLoad(engine: Engine): void;
  close(): Promise<void>;
}

/** A few sessions, so locks and the balancer have something to show. */
const SESSIONS = ['demo-studio', 'demo-shop', 'demo-batch'];

/**
 * M3: three simulated ComfyUI servers of different speeds, and a trickle of txt2img tasks
 * submitted through the engine (so they show up in the task table, with locks and outputs).
 * The trickle keeps the console's queue short and stops when the demo closes.
 */
export async function startDemoFleet(log: (line: string) => void): Promise<DemoFleet> {
  const speeds = [1, 2, 4];
  const servers = await startFleet({ count: 3, speeds, names: speeds.map((s, i) => `demo-gpu-${i + 1} (${s}×)`) });
  for (const s of servers) log(`demo: simulated ComfyUI "${s.name}" at ${s.url}`);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let seed = 1;

  const startLoad = (engine: Engine) => {
    const tick = async () => {
      if (stopped) return;
      const queued = engine.snapshot().counts?.queued ?? 0;
      if (queued < 4) {
        const workflow = txt2imgWorkflow({ seed: seed++, steps: 15 + Math.floor(Math.random() * 20) });
        const sessionId = SESSIONS[seed % SESSIONS.length];
        const r = await engine.call('tasks.submit', { workflow, sessionId }, { actor: 'demo' });
        if (!r.ok) log(`demo: task not submitted: ${r.error.message}`);
      }
      if (!stopped) timer = setTimeout(() => void tick(), 400 + Math.random() * 800);
    };
    void tick();
  };

  return {
    servers,
    serverInputs: servers.map((s) => ({ name: s.name, url: s.url })),
    startLoad,
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
