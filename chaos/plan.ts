/**
 * What a chaos run will do, drawn up front from its seed: the orders the order service sends
 * and the faults injected, each at a fixed offset from the start. The same seed gives the same
 * plan; how the engine copes with it is what the run measures. Pure: no I/O, no clock.
 */
import { seeded } from '../harness/seeded-random';

/** The two task types of a run: one per policy (T2, L6, T9). */
export const TASK_TYPES = {
  /** An order: never run twice after a success; waits for its session's server (operator unlocks). */
  order: { type: 'chaos-order', mode: 'once', retryLimit: 2, failover: 'wait' },
  /** A render: may run again; moves to another server when its session's one is down. */
  render: { type: 'chaos-render', mode: 'rerunnable', retryLimit: 1, failover: 'move' },
} as const;
export type TypeName = keyof typeof TASK_TYPES;

/** Simulated servers: name and speed factor (mixed, as in P3). */
export const FLEET = [
  { name: 'gpu-slow', speed: 0.5 },
  { name: 'gpu-a', speed: 1 },
  { name: 'gpu-b', speed: 1 },
  { name: 'gpu-fast', speed: 2 },
  { name: 'gpu-turbo', speed: 3 },
] as const;

export interface Order {
  /** Unique per run; the idempotency key is derived from it. */
  n: number;
  at: number;
  key: string;
  type: TypeName;
  sessionId: string;
  /** ImageInvert nodes in the job's chain (1–9): its length. */
  size: number;
  /** A workflow the servers reject (400 with node_errors, T10): fails `validation`, never retried. */
  invalid: boolean;
  /** The operator cancels the task this long after it was accepted (T7). */
  cancelAfterMs: number | null;
  /** The order service sends the same key again this long after the first answer (T2). */
  resubmitAfterMs: number | null;
  /** Part of a burst meant to overflow the queue (B4): a queue_full refusal is not retried. */
  burst: boolean;
}

export type HttpFaultPaths = string[] | undefined;

export type FaultAction =
  | { kind: 'crash'; at: number; server: number; durationMs: number }
  | { kind: 'drop'; at: number; server: number }
  | { kind: 'stall'; at: number; server: number; durationMs: number }
  | { kind: 'slowBody'; at: number; server: number; durationMs: number; bytesPerSecond: number; paths: HttpFaultPaths }
  | { kind: 'http500'; at: number; server: number; durationMs: number; paths: HttpFaultPaths }
  | { kind: 'nonJson'; at: number; server: number; durationMs: number; paths: HttpFaultPaths }
  | { kind: 'oversizedBody'; at: number; server: number; durationMs: number; bytes: number; paths: HttpFaultPaths }
  | { kind: 'engineKill'; at: number; downMs: number }
  | { kind: 'burst'; at: number; count: number };
export type FaultKind = FaultAction['kind'];

export interface PlanOptions {
  seed: number;
  /** Length of the phase with traffic and faults. */
  chaosMs: number;
  /** The short (CI) plan: every kind of fault at least a fixed number of times. */
  short: boolean;
  /** Steady arrivals per second (Poisson). */
  tasksPerSecond: number;
  sessions: number;
  /** Set on the engine (settings.set): a burst is sized to overflow it. */
  maxQueued: number;
}

export interface Plan {
  orders: Order[];
  faults: FaultAction[];
}

/** Faults per minute of chaos in a long run. */
const RATE_PER_MIN: Record<FaultKind, number> = {
  crash: 1.2,
  drop: 2,
  stall: 1.2,
  slowBody: 1,
  http500: 1,
  nonJson: 1,
  oversizedBody: 0.6,
  engineKill: 0.5,
  burst: 0.25,
};
/** At least this many of each in any run (the short CI run gets just these, plus its rates). */
const MINIMUM: Record<FaultKind, number> = { crash: 3, drop: 2, stall: 2, slowBody: 1, http500: 1, nonJson: 1, oversizedBody: 1, engineKill: 2, burst: 1 };

const PATH_CHOICES: HttpFaultPaths[] = [['/prompt'], ['/history'], ['/queue'], ['/view'], ['/prompt', '/history'], undefined];
/** Above the engine's caps for these answers (4 MiB /prompt, 16 MiB /history), read by no one. */
const OVERSIZED_PATHS: HttpFaultPaths[] = [['/prompt'], ['/history'], ['/prompt', '/history']];
/** No more servers than this crashed at once: the fleet keeps working through the run. */
const MAX_CRASHED = 2;
/** Engine kills at least this far apart, so each restart settles. */
const KILL_SPACING_MS = 12_000;

export function makePlan(o: PlanOptions): Plan {
  // Separate streams, so changing the traffic does not move the faults and vice versa.
  const trafficRand = seeded(o.seed);
  const faultRand = seeded(o.seed ^ 0x5eed_f00d);
  const orders = makeOrders(o, trafficRand);
  const faults = makeFaults(o, faultRand);
  let n = orders.length;
  for (const f of faults) {
    if (f.kind !== 'burst') continue;
    for (let i = 0; i < f.count; i++) orders.push(order(o, trafficRand, n++, f.at + i, true));
  }
  orders.sort((a, b) => a.at - b.at || a.n - b.n);
  return { orders, faults };
}

function makeOrders(o: PlanOptions, rand: () => number): Order[] {
  const orders: Order[] = [];
  // Poisson arrivals; the last few seconds stay quiet so the drain starts from a settled stream.
  const end = o.chaosMs - 3_000;
  let t = 500;
  for (let n = 0; ; n++) {
    t += -Math.log(1 - rand()) * (1_000 / o.tasksPerSecond);
    if (t >= end) break;
    orders.push(order(o, rand, n, Math.round(t), false));
  }
  return orders;
}

function order(o: PlanOptions, rand: () => number, n: number, at: number, burst: boolean): Order {
  const type: TypeName = rand() < 0.5 ? 'order' : 'render';
  return {
    n,
    at,
    key: `${type}-${o.seed}-${n}`,
    type,
    sessionId: `s${Math.floor(rand() * o.sessions)}`,
    size: 1 + Math.floor(rand() * 9),
    invalid: rand() < 0.02,
    cancelAfterMs: rand() < 0.03 ? Math.round(rand() * 1_500) : null,
    resubmitAfterMs: rand() < 0.06 ? Math.round(200 + rand() * 15_000) : null,
    burst,
  };
}

function makeFaults(o: PlanOptions, rand: () => number): FaultAction[] {
  const minutes = o.chaosMs / 60_000;
  const from = 4_000;
  const to = o.chaosMs - 10_000;
  const when = () => Math.round(from + rand() * (to - from));
  const server = () => Math.floor(rand() * 5);
  const between = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const count = (kind: FaultKind) => Math.max(MINIMUM[kind], o.short ? 0 : Math.round(RATE_PER_MIN[kind] * minutes));

  const faults: FaultAction[] = [];
  const crashes: { server: number; from: number; to: number }[] = [];
  for (let i = 0; i < count('crash'); i++) {
    // The first crash is long enough for its sessions' locks to turn stuck (L3) so the
    // operator has to break them (L4); the others range from a blip to a long outage.
    const durationMs = i === 0 ? between(9_000, 12_000) : between(1_000, 12_000);
    for (let tries = 0; tries < 30; tries++) {
      const at = when();
      const s = server();
      const overlapping = crashes.filter((c) => c.from < at + durationMs + 3_000 && at < c.to + 3_000);
      if (overlapping.length >= MAX_CRASHED || overlapping.some((c) => c.server === s)) continue;
      crashes.push({ server: s, from: at, to: at + durationMs });
      faults.push({ kind: 'crash', at, server: s, durationMs });
      break;
    }
  }
  for (let i = 0; i < count('drop'); i++) faults.push({ kind: 'drop', at: when(), server: server() });
  for (let i = 0; i < count('stall'); i++) faults.push({ kind: 'stall', at: when(), server: server(), durationMs: between(2_000, 8_000) });
  for (let i = 0; i < count('slowBody'); i++) {
    faults.push({ kind: 'slowBody', at: when(), server: server(), durationMs: between(3_000, 10_000), bytesPerSecond: between(2_000, 20_000), paths: pick(PATH_CHOICES) });
  }
  for (const kind of ['http500', 'nonJson'] as const) {
    for (let i = 0; i < count(kind); i++) faults.push({ kind, at: when(), server: server(), durationMs: between(2_000, 8_000), paths: pick(PATH_CHOICES) });
  }
  for (let i = 0; i < count('oversizedBody'); i++) {
    faults.push({ kind: 'oversizedBody', at: when(), server: server(), durationMs: between(2_000, 6_000), bytes: 20 * 1024 * 1024, paths: pick(OVERSIZED_PATHS) });
  }
  const kills: number[] = [];
  for (let i = 0; i < count('engineKill'); i++) {
    for (let tries = 0; tries < 30; tries++) {
      const at = when();
      if (kills.some((k) => Math.abs(k - at) < KILL_SPACING_MS)) continue;
      kills.push(at);
      faults.push({ kind: 'engineKill', at, downMs: between(0, 1_500) });
      break;
    }
  }
  for (let i = 0; i < count('burst'); i++) faults.push({ kind: 'burst', at: when(), count: o.maxQueued * 2 + 10 });
  return faults.sort((a, b) => a.at - b.at);
}
