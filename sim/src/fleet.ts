import { startSim, type SimServer } from './sim-server';

/** Several simulated servers at once, e.g. a mixed-speed fleet for demos and benchmarks. */

export interface FleetOptions {
  count: number;
  /** Server i listens on basePort + i; default: ephemeral ports. */
  basePort?: number;
  /** Name per server (default `sim-PORT`). */
  names?: string[];
  /** Speed factor per server (default 1). */
  speeds?: number[];
  host?: string;
  /** Checkpoint list per server (default: the simulator's defaults). */
  models?: string[][];
  /** Shared by every server. */
  latentPreviews?: boolean;
  durations?: Partial<Record<string, number>>;
}

export async function startFleet(o: FleetOptions): Promise<SimServer[]> {
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`count must be a positive integer, got ${o.count}`);
  const servers: SimServer[] = [];
  try {
    for (let i = 0; i < o.count; i++) {
      servers.push(
        await startSim({
          port: o.basePort === undefined ? 0 : o.basePort + i,
          host: o.host,
          name: o.names?.[i],
          speed: o.speeds?.[i] ?? 1,
          models: o.models?.[i],
          latentPreviews: o.latentPreviews,
          durations: o.durations,
        }),
      );
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return servers;
}
