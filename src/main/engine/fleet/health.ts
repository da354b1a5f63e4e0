import type { HealthState, HealthView } from '../../../shared/fleet';

/** F2 thresholds, in one place. */
export interface HealthPolicy {
  /** Consecutive failed probes that make a server unhealthy (default 2). */
  failuresToUnhealthy: number;
  /** A probe slower than this (but within its timeout) makes the server degraded. */
  slowProbeMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { failuresToUnhealthy: 2, slowProbeMs: 1_500 };

/**
 * What is known about a server; health is a function of these facts, not a history of
 * transitions, so any order of probe answers and socket events gives the same verdict.
 */
export interface HealthFacts {
  enabled: boolean;
  /** Some probe has answered since the server was added (or re-enabled). */
  everOk: boolean;
  consecutiveFailures: number;
  /** Message of the latest failed probe. */
  lastFailure: string | null;
  lastLatencyMs: number | null;
  /** The slow call, for the message. */
  lastCall: string | null;
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
  consecutiveFailures: 0,
  lastFailure: null,
  lastLatencyMs: null,
  lastCall: null,
  socketDown: false,
  socketDetail: null,
  socketSilent: false,
};

export function evaluateHealth(f: HealthFacts, policy: HealthPolicy): { state: HealthState; reason: string } {
  if (!f.enabled) return { state: 'unknown', reason: 'disabled: not connected or probed' };
  const failures = `${f.lastFailure ?? 'probe failed'}${f.consecutiveFailures > 1 ? ` (${f.consecutiveFailures} failed probes in a row)` : ''}`;
  if (f.consecutiveFailures >= policy.failuresToUnhealthy) return { state: 'unhealthy', reason: failures };
  if (!f.everOk) return { state: 'unknown', reason: f.consecutiveFailures > 0 ? failures : 'waiting for the first probe' };
  if (f.consecutiveFailures > 0) return { state: 'degraded', reason: failures };
  if (f.socketDown) return { state: 'degraded', reason: `HTTP answers but the WebSocket is down${f.socketDetail ? ` (${f.socketDetail})` : ''}` };
  if (f.socketSilent) return { state: 'degraded', reason: 'the WebSocket is open but silent: the queue moved and no status frame arrived' };
  if (f.lastLatencyMs !== null && f.lastLatencyMs > policy.slowProbeMs) {
    return { state: 'degraded', reason: `slow: ${f.lastCall ?? 'probe'} took ${Math.round(f.lastLatencyMs)} ms (limit ${policy.slowProbeMs} ms)` };
  }
  return { state: 'healthy', reason: `answering in ${Math.round(f.lastLatencyMs ?? 0)} ms` };
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
    return this.apply(now, { everOk: true, consecutiveFailures: 0, lastFailure: null, lastLatencyMs: latencyMs, lastCall: call }, { lastOkAt: now, lastLatencyMs: latencyMs });
  }

  probeFailed(now: number, message: string): HealthView {
    return this.apply(now, { consecutiveFailures: this.facts.consecutiveFailures + 1, lastFailure: message });
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
      consecutiveFailures: this.facts.consecutiveFailures,
    };
    // Same object when nothing changed, so callers can skip publishing a no-op.
    const same = (Object.keys(next) as (keyof HealthView)[]).every((k) => next[k] === prev[k]);
    if (!same) this.current = next;
    return this.current;
  }
}
