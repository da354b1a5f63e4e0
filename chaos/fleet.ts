/**
 * The simulated fleet of a chaos run, in the driver's process (never the engine's, so killing
 * the engine leaves the servers running), and the faults applied to it. Jobs are chains of
 * ImageInvert nodes: 30 + 60 × size ms of work at speed 1, so 90–570 ms before the speed factor.
 */
import type { ApiWorkflow, ExecutionRecord, Fault, SimServer } from '../sim/src';
import { startSim } from '../sim/src';
import type { FaultAction, Order } from './plan';
import { FLEET } from './plan';

const DURATIONS = { EmptyImage: 20, ImageInvert: 60, SaveImage: 10 };

export interface ChaosFleet {
  sims: SimServer[];
  /** Applies one server fault (not engine kills or bursts); resolves once it is in place. */
  apply(f: Extract<FaultAction, { server: number }>): void;
  /** Lifts what `apply` put on a server (a crash restarts it on the same port). */
  lift(f: Extract<FaultAction, { server: number }>): Promise<void>;
  /** Lifts every fault on every server. */
  liftAll(): Promise<void>;
  /** Every prompt each server started, recorded when it ended (kept across crashes). */
  executions(): { server: string; records: ExecutionRecord[] }[];
  close(): Promise<void>;
}

export async function startChaosFleet(): Promise<ChaosFleet> {
  const sims: SimServer[] = [];
  try {
    for (const s of FLEET) sims.push(await startSim({ name: s.name, speed: s.speed, durations: DURATIONS }));
  } catch (err) {
    await Promise.all(sims.map((s) => s.close()));
    throw err;
  }
  const simOf = (i: number): SimServer => {
    const s = sims[i];
    if (!s) throw new RangeError(`no simulated server ${i}`);
    return s;
  };
  return {
    sims,
    apply(f) {
      const sim = simOf(f.server);
      if (f.kind === 'drop') return sim.dropSockets();
      sim.inject(toFault(f));
    },
    async lift(f) {
      if (f.kind === 'drop') return;
      await simOf(f.server).lift(f.kind);
    },
    async liftAll() {
      await Promise.all(sims.map((s) => s.lift()));
    },
    executions: () => sims.map((s) => ({ server: s.name, records: s.executions() })),
    async close() {
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}

function toFault(f: Exclude<Extract<FaultAction, { server: number }>, { kind: 'drop' }>): Fault {
  switch (f.kind) {
    case 'crash':
    case 'stall':
      return { kind: f.kind };
    case 'slowBody':
      return { kind: 'slowBody', bytesPerSecond: f.bytesPerSecond, ...(f.paths ? { paths: f.paths } : {}) };
    case 'oversizedBody':
      return { kind: 'oversizedBody', bytes: f.bytes, ...(f.paths ? { paths: f.paths } : {}) };
    case 'http500':
    case 'nonJson':
      return { kind: f.kind, ...(f.paths ? { paths: f.paths } : {}) };
  }
}

/**
 * An order's job: EmptyImage (its colour from the order number, so no two jobs are cache hits
 * of each other) → `size` × ImageInvert → SaveImage. An invalid one asks for a width the
 * servers refuse (T10).
 */
export function workflowOf(o: Order): ApiWorkflow {
  const color = (Math.imul(o.n + 1, 0x9e3779b1) >>> 0) % 0x1000000;
  const wf: ApiWorkflow = { '1': { class_type: 'EmptyImage', inputs: { width: o.invalid ? -5 : 16, height: 16, batch_size: 1, color } } };
  let prev = '1';
  for (let i = 0; i < o.size; i++) {
    const id = String(i + 2);
    wf[id] = { class_type: 'ImageInvert', inputs: { image: [prev, 0] } };
    prev = id;
  }
  wf[String(o.size + 2)] = { class_type: 'SaveImage', inputs: { images: [prev, 0], filename_prefix: `chaos-${o.n}` } };
  return wf;
}
