import { describe, expect, it } from 'vitest';
import type { HealthState, ServerView } from '../../../shared/fleet';
import type { LockView, TaskPolicy } from '../../../shared/tasks';
import { serverView, withQueue } from '../../../../test/support/server-view';
import type { PlacementInput, ServerLoad } from './placement';
import { place } from './placement';

const policy: TaskPolicy = { type: 'default', mode: 'rerunnable', retryLimit: 1, failover: 'wait' };
const srv = (id: string, state: HealthState = 'healthy', extra: Partial<ServerView> = {}) => serverView(id, { name: id, health: { ...serverView(id).health, state }, ...extra });
const lock = (serverId: string): LockView => ({ sessionId: 's', serverId, acquiredAt: 0, renewedAt: 0, state: 'held', stuckReason: null, stuckSince: null, unfinishedTasks: 1 });

function input(servers: ServerView[], over: Partial<PlacementInput> = {}, loads: Record<string, Partial<ServerLoad>> = {}): PlacementInput {
  return {
    task: { sessionId: 's', pinServerId: null, requirements: null },
    policy,
    lock: null,
    servers,
    load: (id) => ({ inFlight: 0, posting: 0, meanRunMs: null, lastDispatchAt: 0, capabilities: null, coolUntil: 0, ...loads[id] }),
    sessionInFlightOn: () => 0,
    now: 1_000,
    ...over,
  };
}

const ids = (p: ReturnType<typeof place>) => (p.kind === 'dispatch' ? p.candidates.map((c) => c.id) : p.reason);

describe('placement (B1, B2, B5, L2, L6)', () => {
  it('B2: eligible = enabled, not drained, healthy, with capacity left', () => {
    const servers = [srv('a'), srv('b', 'unhealthy'), srv('c', 'healthy', { drained: true }), srv('d', 'healthy', { enabled: false }), srv('e'), srv('f', 'unknown')];
    expect(ids(place(input(servers, {}, { e: { inFlight: 2 } })))).toEqual(['a']);
  });

  it('B1: with every eligible server full, the task waits in our queue (late binding)', () => {
    const p = place(input([srv('a'), srv('b')], {}, { a: { inFlight: 2 }, b: { inFlight: 2 } }));
    expect(p).toMatchObject({ kind: 'wait', reason: 'waiting for a server to free a slot' });
  });

  it('B2: degraded servers are used only when no healthy one has room', () => {
    expect(ids(place(input([srv('a', 'degraded'), srv('b')])))).toEqual(['b']);
    expect(ids(place(input([srv('a', 'degraded'), srv('b')], {}, { b: { inFlight: 2 } })))).toEqual(['a']);
  });

  it('B3: the load of a candidate counts our POSTs the server has not announced yet', () => {
    const p = place(input([withQueue(srv('a'), 1, 2)], {}, { a: { posting: 1, inFlight: 1 } }));
    expect(p.kind === 'dispatch' && p.candidates[0]).toMatchObject({ id: 'a', load: 4, inFlight: 1 });
  });

  it('B5: servers lacking a required node class or model are not eligible; unknown capabilities are fetched', () => {
    const caps = (nodes: string[], models: string[]) => ({ capabilities: { nodeClasses: new Set(nodes), models: new Set(models) } });
    const task = { sessionId: 's', pinServerId: null, requirements: { nodes: ['KSampler'], models: ['sdxl.safetensors'] } };
    const servers = [srv('a'), srv('b'), srv('c')];
    const p = place(input(servers, { task }, { a: caps(['KSampler'], ['sd15.safetensors']), b: caps(['KSampler'], ['sdxl.safetensors']) }));
    expect(ids(p)).toEqual(['b']);
    const none = place(input(servers, { task }, { a: caps([], []) }));
    expect(none).toMatchObject({ kind: 'wait', needCapabilities: ['b', 'c'] });
    expect(none.kind === 'wait' && none.reason).toContain('a lacks node KSampler, model sdxl.safetensors');
  });

  it('B5: a pinned task goes only to its server, and waits while that server cannot take it', () => {
    const task = { sessionId: 's', pinServerId: 'b', requirements: null };
    expect(ids(place(input([srv('a'), srv('b')], { task })))).toEqual(['b']);
    expect(place(input([srv('a'), srv('b', 'unhealthy')], { task }))).toMatchObject({ kind: 'wait', reason: 'pinned to b: b is unhealthy' });
  });

  it('L2: a locked session goes to its server only, and waits for a slot there', () => {
    expect(ids(place(input([srv('a'), srv('b')], { lock: lock('b') })))).toEqual(['b']);
    expect(place(input([srv('a'), srv('b')], { lock: lock('b') }, { b: { inFlight: 2 } }))).toMatchObject({ kind: 'wait', reason: 'waiting for b to free a slot' });
  });

  it('L6: while the locked server is unhealthy the session waits, unless its policy says failover: move', () => {
    const servers = [srv('a'), srv('b', 'unhealthy')];
    const waiting = place(input(servers, { lock: lock('b') }));
    expect(waiting).toMatchObject({ kind: 'wait' });
    expect(waiting.kind === 'wait' && waiting.reason).toBe('waiting on lock: b is unhealthy; the session\'s tasks wait for it (policy "default": failover wait)');
    const moving = place(input(servers, { lock: lock('b'), policy: { ...policy, failover: 'move' } }));
    expect(moving).toMatchObject({ kind: 'dispatch', lockFrom: 'b' });
    expect(ids(moving)).toEqual(['a']);
  });

  it('F1, L2: a drained or removed locked server lets the lock move once the session has nothing running there', () => {
    const drained = [srv('a'), srv('b', 'healthy', { drained: true })];
    expect(place(input(drained, { lock: lock('b'), sessionInFlightOn: () => 1 }))).toMatchObject({ kind: 'wait', reason: "waiting on lock: b is drained; the session's tasks there finish first" });
    expect(place(input(drained, { lock: lock('b') }))).toMatchObject({ kind: 'dispatch', lockFrom: 'b' });
    expect(place(input([srv('a')], { lock: lock('gone') }))).toMatchObject({ kind: 'dispatch', lockFrom: 'gone' });
  });

  it('B2: a server that refused the last submissions is skipped until its cool-down ends', () => {
    expect(ids(place(input([srv('a'), srv('b')], {}, { a: { coolUntil: 3_500 } })))).toEqual(['b']);
    expect(place(input([srv('a')], {}, { a: { coolUntil: 3_500 } }))).toMatchObject({ kind: 'wait', reason: 'no server can take it: a refused the last submissions; trying it again in 3 s' });
    expect(ids(place(input([srv('a')], { now: 3_500 }, { a: { coolUntil: 3_500 } })))).toEqual(['a']);
  });

  it('says why nothing qualifies', () => {
    expect(place(input([]))).toMatchObject({ kind: 'wait', reason: 'no server in the fleet' });
    expect(place(input([srv('a', 'unhealthy'), srv('b', 'healthy', { drained: true })]))).toMatchObject({ kind: 'wait', reason: 'no server can take it: a is unhealthy; b is drained' });
  });
});
