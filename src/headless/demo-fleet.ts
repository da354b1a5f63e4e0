import type { SimServer } from '../../sim/src';
import { startFleet, txt2imgWorkflow } from '../../sim/src';
import type { DemoLauncher, Engine } from '../main/engine/engine';
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

/**
 * M3 from the console: the host hands this to the engine, and the empty fleet view's "start the
 * demo" button calls it. Saved demo servers (from an earlier run) move to the new ports by name.
 */
export function demoLauncher(log: (line: string) => void): DemoLauncher & { close(): Promise<void> } {
  let fleet: Promise<DemoFleet> | null = null;
  return {
    get running() {
      return fleet !== null;
    },
    async start(engine) {
      fleet ??= startDemoFleet(log);
      const demo = await fleet.catch((err: unknown) => {
        fleet = null;
        throw err;
      });
      await engine.placeServers(demo.serverInputs);
      demo.startLoad(engine);
      return { servers: demo.servers.map((s) => s.name) };
    },
    close: async () => {
      await (await fleet)?.close();
    },
  };
}
