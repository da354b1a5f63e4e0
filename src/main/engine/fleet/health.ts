import type { HealthState, HealthView } from '../../../shared/fleet';

/** F2 thresholds, in one place. */
export interface HealthPolicy {
  /** Consecutive failed probes that make a server unhealthy (default 2). */
  failuresToUnhealthy: number;
  /** A probe slower than this (but within its timeout) makes the server degraded. */
  slowProbeMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { failuresToUnhealthy: 2, slowProbeMs: 1_500 };

/** The latest outcome of one probed call (`GET /queue`, `GET /system_stats`). */
export interface CallRecord {
  consecutiveFailures: number;
  lastFailure: string | null;
  lastLatencyMs: number | null;
}

/**
 * What is known about a server; health is a function of these facts, not a history of
 * transitions, so any order of probe answers and socket events gives the same verdict. Calls
 * are judged apart and the worst counts: a `/queue` that keeps failing is not excused by a
 * `/system_stats` that answers.
 */
export interface HealthFacts {
  enabled: boolean;
  /** Some probe has answered since the server was added (or re-enabled). */
  everOk: boolean;
  calls: Readonly<Record<string, CallRecord>>;
  /** The socket was up once and is not now (a first connect still in progress does not count). */
  socketDown: boolean;
  /** Why the socket is down, for the message: `closed 1006 (abnormal)`. */
  socketDetail: string | null;
  /** The socket is open but stopped delivering: probes saw the queue move and no `status` frame came. */
  socketSilent: boolean;
}

export const INITIAL_FACTS: HealthFacts = {
  enabled: true,
  everOk: false,
  calls: {},
  socketDown: false,
  socketDetail: null,
  socketSilent: false,
};

/** The call with the most consecutive failures, and the slowest call, of the facts. */
function worst(f: HealthFacts) {
  let failing: [string, CallRecord] | null = null;
  let slowest: [string, CallRecord] | null = null;
  for (const entry of Object.entries(f.calls)) {
    const [, rec] = entry;
    if (rec.consecutiveFailures > (failing?.[1].consecutiveFailures ?? 0)) failing = entry;
    if ((rec.lastLatencyMs ?? -1) > (slowest?.[1].lastLatencyMs ?? -1)) slowest = entry;
  }
  return { failing, slowest };
}

export function consecutiveFailures(f: HealthFacts): number {
  return worst(f).failing?.[1].consecutiveFailures ?? 0;
}

export function evaluateHealth(f: HealthFacts, policy: HealthPolicy): { state: HealthState; reason: string } {
  if (!f.enabled) return { state: 'unknown', reason: 'disabled: not connected or probed' };
  const { failing, slowest } = worst(f);
  const failures = failing?.[1].consecutiveFailures ?? 0;
  const failureText = failing ? `${failing[1].lastFailure ?? `${failing[0]} failed`}${failures > 1 ? ` (${failures} failed probes in a row)` : ''}` : '';
  if (failures >= policy.failuresToUnhealthy) return { state: 'unhealthy', reason: failureText };
  if (!f.everOk) return { state: 'unknown', reason: failures > 0 ? failureText : 'waiting for the first probe' };
  if (failures > 0) return { state: 'degraded', reason: failureText };
  if (f.socketDown) return { state: 'degraded', reason: `HTTP answers but the WebSocket is down${f.socketDetail ? ` (${f.socketDetail})` : ''}` };
  if (f.socketSilent) return { state: 'degraded', reason: 'the WebSocket is open but silent: the queue moved and no status frame arrived' };
  const latency = slowest?.[1].lastLatencyMs ?? null;
  if (slowest && latency !== null && latency > policy.slowProbeMs) {
    return { state: 'degraded', reason: `slow: ${slowest[0]} took ${Math.round(latency)} ms (limit ${policy.slowProbeMs} ms)` };
  }
  return { state: 'healthy', reason: `answering in ${Math.round(latency ?? 0)} ms` };
}

/** Holds the facts of one server and the view derived from them; `since` moves only when the state does. */
export class HealthTracker {
  private facts: HealthFacts = { ...INITIAL_FACTS };
  private current: HealthView;

  constructor(
    private readonly policy: HealthPolicy,
    now: number,
  ) {
    const { state, reason } = evaluateHealth(this.facts, policy);
    this.current = { state, reason, since: now, consecutiveFailures: 0, lastOkAt: null, lastLatencyMs: null };
  }

  get view(): HealthView {
    return this.current;
  }

  get state(): HealthState {
    return this.current.state;
  }

  probeOk(now: number, call: string, latencyMs: number): HealthView {
    const calls = { ...this.facts.calls, [call]: { consecutiveFailures: 0, lastFailure: null, lastLatencyMs: latencyMs } };
    return this.apply(now, { everOk: true, calls }, { lastOkAt: now, lastLatencyMs: latencyMs });
  }

  probeFailed(now: number, call: string, message: string): HealthView {
    const prev = this.facts.calls[call];
    const calls = { ...this.facts.calls, [call]: { consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1, lastFailure: message, lastLatencyMs: prev?.lastLatencyMs ?? null } };
    return this.apply(now, { calls });
  }

  socket(now: number, down: boolean, detail: string | null): HealthView {
    return this.apply(now, { socketDown: down, socketDetail: down ? detail : null, ...(down ? { socketSilent: false } : {}) });
  }

  silent(now: number, silent: boolean): HealthView {
    return this.apply(now, { socketSilent: silent });
  }

  /** Disabling forgets what was known: a re-enabled server starts from `unknown`. */
  enabled(now: number, enabled: boolean): HealthView {
    return this.apply(now, enabled ? { ...INITIAL_FACTS } : { ...INITIAL_FACTS, enabled: false }, { lastOkAt: null, lastLatencyMs: null });
  }

  private apply(now: number, patch: Partial<HealthFacts>, viewPatch: Partial<HealthView> = {}): HealthView {
    this.facts = { ...this.facts, ...patch };
    const { state, reason } = evaluateHealth(this.facts, this.policy);
    const prev = this.current;
    const next: HealthView = {
      ...prev,
      ...viewPatch,
      state,
      reason,
      since: state === prev.state ? prev.since : now,
      consecutiveFailures: consecutiveFailures(this.facts),
    };
    // Same object when nothing changed, so callers can skip publishing a no-op.
    const same = (Object.keys(next) as (keyof HealthView)[]).every((k) => next[k] === prev[k]);
    if (!same) this.current = next;
    return this.current;
  }
}
