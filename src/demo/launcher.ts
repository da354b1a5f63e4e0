import type { DemoLauncher } from '../main/engine/engine';
import type { DemoFleet } from './demo-fleet';

/**
 * M3 from the console: the host hands this to the engine, and the empty fleet view's "start the
 * demo" button calls it. Saved demo servers (from an earlier run) move to the new ports by name.
 *
 * Free of the simulator: `./demo-fleet` (and `sim/` with it) is loaded by a dynamic `import()`
 * on the first start only, so the Electron main bundle keeps it in a chunk of its own and a
 * console that never starts the demo never loads it.
 */
export function demoLauncher(log: (line: string) => void): DemoLauncher & { close(): Promise<void> } {
  let fleet: Promise<DemoFleet> | null = null;
  return {
    get running() {
      return fleet !== null;
    },
    async start(engine) {
      fleet ??= import('./demo-fleet').then((m) => m.startDemoFleet(log));
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
