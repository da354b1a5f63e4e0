import { describe, expect, it } from 'vitest';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import { ManualClock } from '../../../harness/manual-clock';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

/** Store side of session locks (L2, L3, L4, L5): atomic primitives for one or two dispatchers. */
export function locksSuite(backend: Backend): void {
  describe(`session locks (${backend.name})`, () => {
    it('L2: acquire-or-get — the first caller takes the lock, later callers get the holder unchanged', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await (await backend.fresh()).open({ clock, newId: sequence('t') });
      await store.submit({ sessionId: 'alice', workflow: txt2img() });
      const first = await store.acquireLock('alice', 'gpu-1');
      expect(first).toEqual({
        acquired: true,
        lock: { sessionId: 'alice', serverId: 'gpu-1', acquiredAt: 1_700_000_000_000, renewedAt: 1_700_000_000_000, state: 'held', stuckReason: null, stuckSince: null, unfinishedTasks: 1 },
      });
      clock.advance(1000);
      const second = await store.acquireLock('alice', 'gpu-2');
      expect(second).toEqual({ acquired: false, lock: first.lock });
      expect(await store.renewLock('alice', 'gpu-2')).toBeNull();
      expect((await store.renewLock('alice', 'gpu-1'))?.renewedAt).toBe(1_700_000_001_000);
      expect(await store.getLock('bob')).toBeNull();
    });

    it('L2 S2: concurrent acquires for one session from several connections → exactly one holder', async () => {
      const db = await backend.fresh();
      const stores = await Promise.all([1, 2, 3].map(() => db.open()));
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 3]!.acquireLock('shared', `gpu-${i}`)));
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      expect(new Set(results.map((r) => r.lock.serverId)).size).toBe(1);
    });

    it('L2: release-if-idle keeps the lock while the session has an unfinished task and drops it once none is left', async () => {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      const a = (await store.submit({ sessionId: 'alice', workflow: txt2img() })).task;
      const b = (await store.submit({ sessionId: 'alice', workflow: txt2img() })).task;
      await store.acquireLock('alice', 'gpu-1');
      expect(await store.releaseLockIfIdle('alice')).toBe(false);
      const d = await store.transition(a.id, MoveTo.dispatched('gpu-1', 'pa'), { expectedVersion: 1 });
      await store.transition(a.id, MoveTo.succeeded(), { expectedVersion: d.version });
      expect((await store.getLock('alice'))?.unfinishedTasks).toBe(1);
      expect(await store.releaseLockIfIdle('alice')).toBe(false);
      await store.transition(b.id, MoveTo.cancelled('operator'), { expectedVersion: 1 });
      expect(await store.releaseLockIfIdle('alice')).toBe(true);
      expect(await store.getLock('alice')).toBeNull();
      expect(await store.releaseLockIfIdle('alice')).toBe(false);
    });

    it('L3: the sweep releases every idle lock; stuck/held marks keep the first stuck time', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await (await backend.fresh()).open({ clock, newId: sequence('t') });
      await store.submit({ sessionId: 'busy', workflow: txt2img() });
      await store.acquireLock('busy', 'gpu-1');
      await store.acquireLock('idle-1', 'gpu-1');
      await store.acquireLock('idle-2', 'gpu-2');
      expect(await store.releaseIdleLocks()).toEqual(['idle-1', 'idle-2']);
      expect((await store.listLocks()).map((l) => l.sessionId)).toEqual(['busy']);

      expect((await store.markLockStuck('busy', 'server unhealthy for 60 s'))?.state).toBe('stuck');
      clock.advance(30_000);
      const again = await store.markLockStuck('busy', 'server unhealthy for 90 s');
      expect(again).toMatchObject({ state: 'stuck', stuckReason: 'server unhealthy for 90 s', stuckSince: 1_700_000_000_000 });
      expect(await store.markLockHeld('busy')).toMatchObject({ state: 'held', stuckReason: null, stuckSince: null });
      expect(await store.markLockStuck('nobody', 'x')).toBeNull();
    });

    it('L4: force-unlock removes the lock and audits actor, reason and server in the same transaction', async () => {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      await store.submit({ sessionId: 'alice', workflow: txt2img() });
      await store.acquireLock('alice', 'gpu-1');
      await rejectsWith(store.forceReleaseLock('alice', { actor: 'ops', reason: '  ' }), 'bad_request');
      const released = await store.forceReleaseLock('alice', { actor: 'ops', reason: 'gpu-1 is gone', details: { tasks: 'requeue' } });
      expect(released).toMatchObject({ sessionId: 'alice', serverId: 'gpu-1', unfinishedTasks: 1 });
      expect(await store.getLock('alice')).toBeNull();
      const audit = await store.listAudit();
      expect(audit.items).toEqual([
        expect.objectContaining({ actor: 'ops', action: 'lock.force_release', target: 'alice', reason: 'gpu-1 is gone', details: { serverId: 'gpu-1', unfinishedTasks: 1, state: 'held', tasks: 'requeue' } }),
      ]);
      await rejectsWith(store.forceReleaseLock('alice', { actor: 'ops', reason: 'again' }), 'not_found');
      expect((await store.listAudit()).total).toBe(1);
    });

    it('L5: holders are listed with their unfinished task counts', async () => {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      for (let i = 0; i < 3; i++) await store.submit({ sessionId: 'alice', workflow: txt2img(i) });
      await store.submit({ sessionId: 'bob', workflow: txt2img() });
      await store.acquireLock('alice', 'gpu-1');
      await store.acquireLock('bob', 'gpu-2');
      expect((await store.listLocks()).map((l) => [l.sessionId, l.serverId, l.unfinishedTasks, l.state])).toEqual([
        ['alice', 'gpu-1', 3, 'held'],
        ['bob', 'gpu-2', 1, 'held'],
      ]);
    });
  });
}
