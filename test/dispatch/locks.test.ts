import { afterEach, describe, expect, it } from 'vitest';
import type { UnlockResult } from '../../src/shared/api';
import type { AuditPage, LockView } from '../../src/shared/tasks';
import { modelFreeWorkflow, txt2imgWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const locks = () => h.call<LockView[]>('locks.list', {});
const lockOf = async (sessionId: string) => (await locks()).find((l) => l.sessionId === sessionId) ?? null;
const long = (seed: number) => txt2imgWorkflow({ steps: 6, seed });

describe('session locks (L1–L6)', () => {
  it('L1: every task belongs to a session; without one it is the caller’s own', async () => {
    h = await startHarness();
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) }, 'order-service');
    expect(task.sessionId).toBe('order-service');
    const { task: mine } = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 'window-7' });
    expect(mine.sessionId).toBe('window-7');
  });

  it('L2, L5: the first task locks the session to its server, later ones follow and renew it, and the last one to end releases it', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a', { durations: { KSampler: 40 } });
    const b = await h.sim('gpu-b', { durations: { KSampler: 40 } });
    await h.addServer(a);
    await h.addServer(b);
    const first = await h.submit({ workflow: long(1), sessionId: 'studio' });
    const held = await h.waitFor(first.task.id, ['dispatched', 'running']);
    const lock = await lockOf('studio');
    expect(lock).toMatchObject({ sessionId: 'studio', serverId: held.serverId, state: 'held', unfinishedTasks: 1 });
    // More tasks of the session while it holds one: all to its server, though the other is idle.
    const more = await Promise.all([2, 3, 4].map((seed) => h.submit({ workflow: long(seed), sessionId: 'studio' })));
    const others = await Promise.all([5, 6].map((seed) => h.submit({ workflow: long(seed), sessionId: 'shop' })));
    const ended = await Promise.all([first, ...more].map((o) => h.waitFor(o.task.id, ['succeeded'])));
    expect(new Set(ended.map((t) => t.serverId))).toEqual(new Set([held.serverId]));
    await Promise.all(others.map((o) => h.waitFor(o.task.id, ['succeeded'])));
    // Renewed by the later tasks, released the moment the last one ended (no timeout involved).
    await until(async () => (await lockOf('studio')) === null, 'studio lock released');
    const audit = await h.call<AuditPage>('audit.list', {});
    expect(audit.items.filter((e) => e.action.startsWith('lock'))).toEqual([]);
  });

  it('L2: a lock is renewed by each new task (renewedAt moves), and is kept as long as a task is unfinished', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    a.pauseWorker();
    const t1 = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), sessionId: 's' });
    await h.waitFor(t1.task.id, ['dispatched']);
    const before = await lockOf('s');
    await new Promise((r) => setTimeout(r, 20));
    const t2 = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 's' });
    await h.waitFor(t2.task.id, ['dispatched']);
    const after = await lockOf('s');
    expect(after?.acquiredAt).toBe(before?.acquiredAt);
    expect(after?.renewedAt).toBeGreaterThan(before?.renewedAt ?? Infinity);
    expect(after?.unfinishedTasks).toBe(2);
    a.resumeWorker();
    await h.waitFor(t2.task.id, ['succeeded']);
    await until(async () => (await lockOf('s')) === null, 'released');
  });

  it('L3: the sweep releases a lock left behind by a session with no unfinished task', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    const id = await h.addServer(a);
    // A console that died between a task's end and the release leaves exactly this behind.
    await h.store.acquireLock('ghost', id);
    expect(await h.store.getLock('ghost')).not.toBeNull();
    await until(async () => (await h.store.getLock('ghost')) === null, 'the sweep released the ghost lock', 15_000);
  });

  it('L3, L6, L4: a locked server that dies makes the lock stuck and the session wait; force-unlock with a reason requeues its tasks elsewhere, audited', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a', { durations: { KSampler: 100 } });
    const b = await h.sim('gpu-b');
    const aId = await h.addServer(a);
    // gpu-a is the only server when the session's first task goes out: the session locks to it.
    const first = await h.submit({ workflow: long(1), sessionId: 'studio' });
    await h.waitFor(first.task.id, ['running']);
    const bId = await h.addServer(b);
    a.inject({ kind: 'crash' });
    const next = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 'studio' });
    // L6: the session's new task waits on its lock (policy default: failover wait).
    await until(() => h.updates.some((u) => u.id === next.task.id && (u.waiting ?? '').startsWith('waiting on lock: gpu-a is unhealthy')), 'waiting on lock');
    // L3: after the grace period the lock is stuck, with the reason.
    await until(async () => (await lockOf('studio'))?.state === 'stuck', 'lock stuck', 20_000);
    expect((await lockOf('studio'))?.stuckReason).toMatch(/^server gpu-a unhealthy for \d+ s/);
    expect((await h.task(next.task.id)).status).toBe('queued');

    // L4: the operator breaks the lock, with a reason, and requeues the session's tasks.
    const r = await h.call<UnlockResult>('locks.unlock', { sessionId: 'studio', reason: 'gpu-a died, move the studio', unfinished: 'requeue' });
    expect(r.lock).toMatchObject({ sessionId: 'studio', serverId: aId });
    expect(r.tasks.map((t) => t.outcome).every((o) => o === 'requeued')).toBe(true);
    const done = await Promise.all([first, next].map((o) => h.waitFor(o.task.id, ['succeeded'])));
    expect(done.every((t) => t.serverId === bId)).toBe(true);
    const audit = await h.call<AuditPage>('audit.list', { target: 'studio' });
    expect(audit.items[0]).toMatchObject({ actor: 'operator', reason: 'gpu-a died, move the studio', details: { unfinished: 'requeue' } });
    await until(async () => (await lockOf('studio')) === null, 'no lock once the session is idle');
  });

  it('L6: with failover: move, a session locked to a dead server moves to a healthy one', async () => {
    h = await startHarness();
    await h.call('types.set', { type: 'portrait', mode: 'rerunnable', retryLimit: 2, failover: 'move' });
    const a = await h.sim('gpu-a', { durations: { KSampler: 100 } });
    const b = await h.sim('gpu-b');
    await h.addServer(a);
    const first = await h.submit({ workflow: long(1), sessionId: 'kiosk', type: 'portrait' });
    await h.waitFor(first.task.id, ['running']);
    const bId = await h.addServer(b);
    a.inject({ kind: 'crash' });
    const next = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 'kiosk', type: 'portrait' });
    const done = await Promise.all([first, next].map((o) => h.waitFor(o.task.id, ['succeeded'])));
    expect(done.map((t) => t.serverId)).toEqual([bId, bId]);
    const moved = await h.call<AuditPage>('audit.list', { target: 'kiosk' });
    expect(moved.items.some((e) => e.actor === 'dispatcher' && /^lock moved from server gpu-a to gpu-b/.test(e.reason ?? ''))).toBe(true);
  });

  it('L4: force-unlock can cancel the session’s unfinished tasks, or leave them', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    a.pauseWorker();
    const t1 = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), sessionId: 'x' });
    await h.waitFor(t1.task.id, ['dispatched']);
    const cancelled = await h.call<UnlockResult>('locks.unlock', { sessionId: 'x', reason: 'abandoned', unfinished: 'cancel' });
    expect(cancelled.tasks).toEqual([{ id: t1.task.id, outcome: 'cancelled', note: 'cancelled' }]);
    expect((await h.task(t1.task.id)).status).toBe('cancelled');

    const t2 = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 'y' });
    await h.waitFor(t2.task.id, ['dispatched']);
    const left = await h.call<UnlockResult>('locks.unlock', { sessionId: 'y', reason: 'just unstick it', unfinished: 'leave' });
    expect(left.tasks).toEqual([{ id: t2.task.id, outcome: 'left', note: 'left dispatched' }]);
    a.resumeWorker();
    await h.waitFor(t2.task.id, ['succeeded']);
    const noReason = await h.engine.call('locks.unlock', { sessionId: 'y', reason: ' ', unfinished: 'leave' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('force-unlock with requeue on a healthy session (issue 19, item 5)', () => {
  it('L4: an operator requeue does not count against the retry limit (even 0), and says the task may start again on the same server', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    await h.call('types.set', { type: 'no-retry', mode: 'rerunnable', retryLimit: 0, failover: 'wait' });
    // The worker holds: the task sits on gpu-a, dispatched, its session locked there.
    a.pauseWorker();
    const t = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), sessionId: 'healthy', type: 'no-retry' });
    await h.waitFor(t.task.id, ['dispatched', 'running']);
    await until(async () => (await lockOf('healthy'))?.state === 'held', 'session locked to gpu-a');

    const r = await h.call<UnlockResult>('locks.unlock', { sessionId: 'healthy', reason: 'operator moves it', unfinished: 'requeue' });
    expect(r.tasks).toHaveLength(1);
    expect(r.tasks[0]).toMatchObject({ id: t.task.id, outcome: 'requeued' });
    expect(r.tasks[0]!.note).toContain('gpu-a included');
    a.resumeWorker();
    const done = await h.waitFor(t.task.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', requeues: 0, attempt: 2 });
    const attempts = (await h.detail(t.task.id)).attempts;
    expect(attempts.map((x) => x.outcome)).toEqual(['requeued', 'succeeded']);
  });
});
