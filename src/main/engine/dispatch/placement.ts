import type { ServerId, ServerView } from '../../../shared/fleet';
import type { LockView, TaskPolicy, TaskRequirements } from '../../../shared/tasks';
import type { Candidate } from './balancer';

/** What a server offers (B5), from its `/object_info`. */
export interface Capabilities {
  nodeClasses: ReadonlySet<string>;
  models: ReadonlySet<string>;
}

/** The dispatcher's own bookkeeping of a server. */
export interface ServerLoad {
  /** Our tasks there now (dispatched or running). */
  inFlight: number;
  /** Of those, POSTs not answered yet: not in the server's live depth yet. */
  posting: number;
  meanRunMs: number | null;
  lastDispatchAt: number;
  /** Null until `/object_info` was read. */
  capabilities: Capabilities | null;
  /** After refused submissions, no dispatch there before this time (epoch ms). */
  coolUntil: number;
}

export interface PlacementInput {
  task: { sessionId: string; pinServerId: ServerId | null; requirements: TaskRequirements | null };
  policy: TaskPolicy;
  /** The session's lock, if it holds one (L2). */
  lock: LockView | null;
  servers: readonly ServerView[];
  load: (id: ServerId) => ServerLoad;
  /** Tasks of this session in flight on a server. */
  sessionInFlightOn: (id: ServerId) => number;
  now: number;
}

export type Placement =
  /** Choose among `candidates`; `lockFrom` names the server the session's lock moves away from. */
  | { kind: 'dispatch'; candidates: Candidate[]; lockFrom: ServerId | null }
  /** Not now; `reason` is shown on the task (e.g. "waiting on lock: gpu-2 is unhealthy", L6). */
  | { kind: 'wait'; reason: string; needCapabilities: ServerId[] };

/**
 * B1, B2, B5, L2, L6: which servers may take this task right now. Eligible: enabled, not drained,
 * healthy (degraded servers only when no healthy one qualifies), capacity left, the task's
 * required node classes and models offered. A pin or a session lock narrows the choice; a
 * locked server that is unhealthy holds the session's tasks back unless the policy says
 * `failover: move`; a drained, disabled or removed one lets the lock move once the session has
 * nothing left running there.
 */
export function place(input: PlacementInput): Placement {
  const { task, policy, lock, servers, load } = input;
  const needCapabilities: ServerId[] = [];
  const requirementsMissing = (s: ServerView): string | null => {
    const req = task.requirements;
    if (!req || (!req.nodes?.length && !req.models?.length)) return null;
    const caps = load(s.id).capabilities;
    if (!caps) {
      needCapabilities.push(s.id);
      return `${s.name}: its node classes are not known yet`;
    }
    const nodes = (req.nodes ?? []).filter((n) => !caps.nodeClasses.has(n));
    const models = (req.models ?? []).filter((m) => !caps.models.has(m));
    if (!nodes.length && !models.length) return null;
    return `${s.name} lacks ${[...nodes.map((n) => `node ${n}`), ...models.map((m) => `model ${m}`)].join(', ')}`;
  };
  /** Why `s` cannot take the task now, or null if it can. */
  const unavailable = (s: ServerView): string | null => {
    if (!s.enabled) return `${s.name} is disabled`;
    if (s.drained) return `${s.name} is drained`;
    if (s.health.state === 'unhealthy' || s.health.state === 'unknown') return `${s.name} is ${s.health.state}`;
    const cool = load(s.id).coolUntil - input.now;
    if (cool > 0) return `${s.name} refused the last submissions; trying it again in ${Math.ceil(cool / 1000)} s`;
    return requirementsMissing(s);
  };
  const full = (s: ServerView): boolean => load(s.id).inFlight >= s.maxInFlight;
  const candidate = (s: ServerView): Candidate => {
    const l = load(s.id);
    return { id: s.id, name: s.name, load: (s.queue?.total ?? 0) + l.posting, inFlight: l.inFlight, maxInFlight: s.maxInFlight, meanRunMs: l.meanRunMs, lastDispatchAt: l.lastDispatchAt };
  };
  const wait = (reason: string): Placement => ({ kind: 'wait', reason, needCapabilities });
  const dispatchTo = (pool: readonly ServerView[], lockFrom: ServerId | null): Placement => {
    const ready = pool.filter((s) => !full(s));
    if (!ready.length) return wait(pool.length === 1 ? `waiting for ${pool[0]?.name} to free a slot` : 'waiting for a server to free a slot');
    // Healthy first; a degraded server only when no healthy one has room.
    const healthy = ready.filter((s) => s.health.state === 'healthy');
    return { kind: 'dispatch', candidates: (healthy.length ? healthy : ready).map(candidate), lockFrom };
  };
  const open = (exclude: ServerId | null) => {
    const reasons: string[] = [];
    const pool = servers.filter((s) => {
      if (s.id === exclude) return false;
      const why = unavailable(s);
      if (why) reasons.push(why);
      return why === null;
    });
    return { pool, reasons };
  };

  if (task.pinServerId !== null) {
    const pinned = servers.find((s) => s.id === task.pinServerId);
    if (!pinned) return wait(`pinned to server ${task.pinServerId}, which is not in the fleet`);
    if (lock && lock.serverId !== pinned.id && input.sessionInFlightOn(lock.serverId) > 0) {
      return wait(`pinned to ${pinned.name} while the session's lock holds ${nameOf(servers, lock.serverId)}; waiting for the session's tasks there`);
    }
    const why = unavailable(pinned);
    if (why) return wait(`pinned to ${pinned.name}: ${why}`);
    return dispatchTo([pinned], lock && lock.serverId !== pinned.id ? lock.serverId : null);
  }

  if (lock) {
    const holder = servers.find((s) => s.id === lock.serverId);
    const holderName = holder?.name ?? lock.serverId;
    const why = holder ? unavailable(holder) : `${holderName} was removed from the fleet`;
    if (holder && why === null) return dispatchTo([holder], null);
    const holderUnhealthy = holder !== undefined && holder.enabled && !holder.drained && (holder.health.state === 'unhealthy' || holder.health.state === 'unknown');
    if (holderUnhealthy && policy.failover !== 'move') return wait(`waiting on lock: ${why}; the session's tasks wait for it (policy "${policy.type}": failover wait)`);
    if (!holderUnhealthy && input.sessionInFlightOn(lock.serverId) > 0) return wait(`waiting on lock: ${why}; the session's tasks there finish first`);
    const { pool, reasons } = open(lock.serverId);
    if (!pool.length) return wait(`waiting on lock: ${why}, and no other server can take it (${reasons.join('; ') || 'no other server'})`);
    return dispatchTo(pool, lock.serverId);
  }

  const { pool, reasons } = open(null);
  if (!pool.length) return wait(servers.length ? `no server can take it: ${reasons.join('; ')}` : 'no server in the fleet');
  return dispatchTo(pool, null);
}

function nameOf(servers: readonly ServerView[], id: ServerId): string {
  return servers.find((s) => s.id === id)?.name ?? id;
}
