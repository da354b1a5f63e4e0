import type { SimServer } from '../../sim/src';
import { startFleet, txt2imgWorkflow } from '../../sim/src';
import type { ServerInput } from '../main/engine/fleet/fleet-monitor';

export interface DemoFleet {
  servers: SimServer[];
  /** The simulated servers as the engine takes them. */
  serverInputs: ServerInput[];
  close(): Promise<void>;
}

/**
 * M3: three simulated ComfyUI servers of different speeds with a trickle of txt2img jobs, so a
 * newcomer sees queues move. The load goes straight to the simulators (as another client of the
 * fleet would) and keeps each queue short; it stops when the demo closes.
 */
export async function startDemoFleet(log: (line: string) => void): Promise<DemoFleet> {
  const speeds = [1, 2, 4];
  const servers = await startFleet({ count: 3, speeds, names: speeds.map((s, i) => `demo-gpu-${i + 1} (${s}×)`) });
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let seed = 1;

  const tick = async () => {
    if (stopped) return;
    const target = servers[Math.floor(Math.random() * servers.length)];
    if (target && target.queueDepth().pending < 4) {
      const prompt = txt2imgWorkflow({ seed: seed++, steps: 20 + Math.floor(Math.random() * 20) });
      await fetch(`${target.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt }),
      }).catch((err: unknown) => log(`demo: could not queue on ${target.name}: ${String(err)}`));
    }
    if (!stopped) timer = setTimeout(() => void tick(), 150 + Math.random() * 350);
  };
  void tick();

  return {
    servers,
    serverInputs: servers.map((s) => ({ name: s.name, url: s.url })),
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
