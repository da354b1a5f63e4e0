import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_POLICY, evaluateHealth, HealthTracker, INITIAL_FACTS } from './health';

const policy = DEFAULT_HEALTH_POLICY;

describe('health (F2)', () => {
  it('F2: starts unknown and becomes healthy after one good probe', () => {
    const h = new HealthTracker(policy, 0);
    expect(h.view).toMatchObject({ state: 'unknown', since: 0 });
    expect(h.probeOk(10, 'GET /queue', 12)).toMatchObject({ state: 'healthy', since: 10, lastOkAt: 10, lastLatencyMs: 12 });
  });

  it('F2: unhealthy after N consecutive failures (default 2), healthy again after one good probe', () => {
    const h = new HealthTracker(policy, 0);
    h.probeOk(1, 'GET /queue', 5);
    expect(h.probeFailed(2, 'GET /queue', 'server "a" GET /queue: cannot connect')).toMatchObject({ state: 'degraded', consecutiveFailures: 1 });
    const bad = h.probeFailed(3, 'GET /queue', 'server "a" GET /queue: cannot connect');
    expect(bad).toMatchObject({ state: 'unhealthy', since: 3, consecutiveFailures: 2 });
    expect(bad.reason).toBe('server "a" GET /queue: cannot connect (2 failed probes in a row)');
    expect(h.probeOk(4, 'GET /queue', 5)).toMatchObject({ state: 'healthy', since: 4, consecutiveFailures: 0 });
  });

  it('F2: a server that never answered goes from unknown straight to unhealthy', () => {
    const h = new HealthTracker({ ...policy, failuresToUnhealthy: 3 }, 0);
    expect(h.probeFailed(1, 'GET /queue', 'x').state).toBe('unknown');
    expect(h.probeFailed(2, 'GET /queue', 'x').state).toBe('unknown');
    expect(h.probeFailed(3, 'GET /queue', 'x').state).toBe('unhealthy');
  });

  it('F2: degraded when the socket is down but HTTP answers, and when probes are slow', () => {
    const h = new HealthTracker(policy, 0);
    h.probeOk(1, 'GET /queue', 5);
    expect(h.socket(2, true, 'closed 1006 (abnormal)')).toMatchObject({ state: 'degraded', reason: 'HTTP answers but the WebSocket is down (closed 1006 (abnormal))' });
    expect(h.socket(3, false, null).state).toBe('healthy');
    expect(h.probeOk(4, 'GET /queue', 2_000)).toMatchObject({ state: 'degraded', reason: 'slow: GET /queue took 2000 ms (limit 1500 ms)' });
    expect(h.probeOk(5, 'GET /queue', 10).state).toBe('healthy');
  });

  it('F2: a silent socket degrades, and a frame clears it', () => {
    const h = new HealthTracker(policy, 0);
    h.probeOk(1, 'GET /queue', 5);
    expect(h.silent(2, true).state).toBe('degraded');
    expect(h.silent(3, false).state).toBe('healthy');
  });

  it('F1: a disabled server is unknown, and re-enabling starts from scratch', () => {
    const h = new HealthTracker(policy, 0);
    h.probeFailed(1, 'GET /queue', 'x');
    h.probeFailed(2, 'GET /queue', 'x');
    expect(h.enabled(3, false)).toMatchObject({ state: 'unknown', reason: 'disabled: not connected or probed', consecutiveFailures: 0 });
    expect(h.enabled(4, true)).toMatchObject({ state: 'unknown', reason: 'waiting for the first probe' });
  });

  it('keeps the same view object when nothing changed, so no-op updates are not published', () => {
    const h = new HealthTracker(policy, 0);
    h.probeOk(1, 'GET /queue', 5);
    const v = h.view;
    expect(h.silent(2, false)).toBe(v);
    expect(h.socket(3, false, null)).toBe(v);
  });

  it('F2: calls are judged apart: a failing /queue is not excused by an answering /system_stats', () => {
    const h = new HealthTracker(policy, 0);
    h.probeOk(1, 'GET /queue', 5);
    h.probeFailed(2, 'GET /queue', 'q1');
    h.probeOk(3, 'GET /system_stats', 5);
    expect(h.probeFailed(4, 'GET /queue', 'q2')).toMatchObject({ state: 'unhealthy', reason: 'q2 (2 failed probes in a row)', consecutiveFailures: 2 });
    h.probeOk(5, 'GET /queue', 5);
    h.probeOk(6, 'GET /system_stats', 2_000);
    expect(h.probeOk(7, 'GET /queue', 5)).toMatchObject({ state: 'degraded', reason: 'slow: GET /system_stats took 2000 ms (limit 1500 ms)' });
  });

  it('failures outrank everything else in the verdict', () => {
    const facts = { ...INITIAL_FACTS, everOk: true, calls: { 'GET /queue': { consecutiveFailures: 2, lastFailure: 'x', lastLatencyMs: 9_999 } }, socketDown: true, socketSilent: true };
    expect(evaluateHealth(facts, policy).state).toBe('unhealthy');
  });
});
