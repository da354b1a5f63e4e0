import { describe, expect, it } from 'vitest';
import type { TaskStatus, TaskView } from '../../../src/shared/tasks';
import { replay } from '../../../src/main/engine/tasks/apply-event';
import { LedgerError } from '../../../src/main/engine/tasks/ledger-error';
import type { TaskChange } from '../../../src/main/engine/tasks/move-to';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import type { Store } from '../../../src/main/engine/store/store';
import { ManualClock } from '../../../harness/manual-clock';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { nextMove } from '../fixtures/next-move';
import { seeded } from '../../../harness/seeded-random';
import { sequence, txt2img } from '../../../harness/workflows';

/** T3 and the two status-writer scenarios of field report 002 (S3). */
export function stateMachineSuite(backend: Backend): void {
  describe(`state machine (${backend.name})`, () => {
    async function ledger(clock = new ManualClock(1_700_000_000_000)): Promise<Store> {
      const db = await backend.fresh();
      return db.open({ clock, newId: sequence('t') });
    }

    async function submitted(store: Store): Promise<TaskView> {
      return (await store.submit({ sessionId: 's', workflow: txt2img() })).task;
    }

    async function expectRebuildable(store: Store, id: string): Promise<void> {
      const events = await store.listEvents(id);
      expect(replay(events)).toEqual(await store.getTask(id));
    }

    it('T3: queued → dispatched → running → succeeded, one timestamped event per transition, version +1 each', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await ledger(clock);
      let t = await submitted(store);
      expect(t).toMatchObject({ status: 'queued', version: 1, attempt: 0, createdAt: 1_700_000_000_000 });
      clock.advance(10);
      t = await store.transition(t.id, MoveTo.dispatched('gpu-1', 'prompt-1'), { expectedVersion: 1 });
      expect(t).toMatchObject({ status: 'dispatched', version: 2, attempt: 1, serverId: 'gpu-1', promptId: 'prompt-1', dispatchedAt: 1_700_000_000_010 });
      clock.advance(10);
      t = await store.transition(t.id, MoveTo.running(), { expectedVersion: 2 });
      clock.advance(5);
      t = await store.reportProgress(t.id, { value: 5, max: 20, nodeId: '3' }, { expectedVersion: 3 });
      expect(t.progress).toEqual({ value: 5, max: 20, nodeId: '3' });
      await store.appendMessage(t.id, 'info', 'executing KSampler');
      clock.advance(5);
      const outputs = [{ nodeId: '9', filename: 'ComfyFleet_00001_.png', subfolder: '', type: 'output' }];
      t = await store.transition(t.id, MoveTo.succeeded(outputs), { expectedVersion: 4 });
      expect(t).toMatchObject({ status: 'succeeded', version: 5, outputs, startedAt: 1_700_000_000_020, endedAt: 1_700_000_000_030 });
      expect(await store.getTask(t.id)).toEqual(t);

      const events = await store.listEvents(t.id);
      expect(events.map((e) => [e.kind, 'to' in e ? e.to : null, e.at, e.version])).toEqual([
        ['created', null, 1_700_000_000_000, 1],
        ['transition', 'dispatched', 1_700_000_000_010, 2],
        ['transition', 'running', 1_700_000_000_020, 3],
        ['progress', null, 1_700_000_000_025, 4],
        ['message', null, 1_700_000_000_025, 4],
        ['transition', 'succeeded', 1_700_000_000_030, 5],
      ]);
      await expectRebuildable(store, t.id);
      expect(await store.listAttempts(t.id)).toEqual([
        { taskId: t.id, n: 1, serverId: 'gpu-1', promptId: 'prompt-1', dispatchedAt: 1_700_000_000_010, startedAt: 1_700_000_000_020, endedAt: 1_700_000_000_030, outcome: 'succeeded', detail: null },
      ]);
    });

    it('T3: an illegal transition is refused and changes nothing', async () => {
      const store = await ledger();
      const t = await submitted(store);
      for (const change of [MoveTo.running(), MoveTo.succeeded(), MoveTo.interrupted('x'), MoveTo.queued('x')]) {
        const err = await rejectsWith(store.transition(t.id, change, { expectedVersion: 1 }), 'illegal_transition');
        expect(err.message).toContain(`task ${t.id} cannot go from queued to ${change.to}`);
      }
      const d = await store.transition(t.id, MoveTo.dispatched('gpu-1', 'p'), { expectedVersion: 1 });
      await rejectsWith(store.transition(t.id, MoveTo.dispatched('gpu-2', 'p2'), { expectedVersion: d.version }), 'illegal_transition');
      const r = await store.transition(t.id, MoveTo.running(), { expectedVersion: d.version });
      await rejectsWith(store.transition(t.id, MoveTo.dispatched('gpu-2', 'p2'), { expectedVersion: r.version }), 'illegal_transition');
      await rejectsWith(store.reportProgress((await submitted(store)).id, { value: 1, max: 2, nodeId: null }, { expectedVersion: 1 }), 'illegal_transition');
      expect(await store.getTask(t.id)).toEqual(r);
      expect(await store.listEvents(t.id)).toHaveLength(3);
    });

    it('T3: terminal states are never overwritten', async () => {
      const store = await ledger();
      const ends: [TaskStatus, TaskChange][] = [
        ['succeeded', MoveTo.succeeded()],
        ['failed', MoveTo.failed({ code: 'execution', message: 'x' })],
        ['cancelled', MoveTo.cancelled('x')],
        ['interrupted', MoveTo.interrupted('x')],
      ];
      const everything: TaskChange[] = [MoveTo.dispatched('g', 'late'), MoveTo.running(), MoveTo.queued('x'), ...ends.map(([, c]) => c)];
      for (const [status, end] of ends) {
        const t = await submitted(store);
        const d = await store.transition(t.id, MoveTo.dispatched('gpu-1', `p-${t.id}`), { expectedVersion: 1 });
        const done = await store.transition(t.id, end, { expectedVersion: d.version });
        expect(done.status).toBe(status);
        for (const change of everything) {
          // With the current version and with a stale one: `terminal` either way.
          const err = await rejectsWith(store.transition(t.id, change, { expectedVersion: done.version }), 'terminal');
          expect(err.message).toContain(`is already ${status}`);
          await rejectsWith(store.transition(t.id, change, { expectedVersion: 1 }), 'terminal');
        }
        await rejectsWith(store.reportProgress(t.id, { value: 1, max: 1, nodeId: null }, { expectedVersion: done.version }), 'terminal');
        expect(await store.getTask(t.id)).toEqual(done);
      }
    });

    it('T3: a stale version is a version_conflict that reports the current version and status', async () => {
      const store = await ledger();
      const t = await submitted(store);
      await store.transition(t.id, MoveTo.dispatched('gpu-1', 'p1'), { expectedVersion: 1 });
      const err = await rejectsWith(store.transition(t.id, MoveTo.cancelled('operator'), { expectedVersion: 1 }), 'version_conflict');
      expect(err.details).toEqual({ taskId: t.id, expectedVersion: 1, currentVersion: 2, status: 'dispatched' });
      expect(err.message).toContain(`task ${t.id} changed since version 1 (it is now version 2, dispatched)`);
      await rejectsWith(store.transition('nope', MoveTo.running(), { expectedVersion: 1 }), 'not_found');
    });

    it('T3: a requeue returns the task to the queue and its next dispatch is a new attempt', async () => {
      const store = await ledger();
      const t = await submitted(store);
      let v = await store.transition(t.id, MoveTo.dispatched('gpu-1', 'p-a'), { expectedVersion: 1 });
      v = await store.transition(t.id, MoveTo.running(), { expectedVersion: v.version });
      v = await store.transition(t.id, MoveTo.queued('server lost'), { expectedVersion: v.version });
      expect(v).toMatchObject({ status: 'queued', serverId: null, promptId: null, attempt: 1, requeues: 1 });
      v = await store.transition(t.id, MoveTo.dispatched('gpu-2', 'p-b'), { expectedVersion: v.version });
      expect(v).toMatchObject({ status: 'dispatched', serverId: 'gpu-2', promptId: 'p-b', attempt: 2 });
      const attempts = await store.listAttempts(t.id);
      expect(attempts.map((a) => [a.n, a.serverId, a.promptId, a.outcome, a.detail])).toEqual([
        [1, 'gpu-1', 'p-a', 'requeued', 'server lost'],
        [2, 'gpu-2', 'p-b', null, null],
      ]);
      expect((await store.findByPromptId('p-a'))?.attempt.n).toBe(1);
      expect((await store.findByPromptId('p-b'))?.task).toEqual(v);
      expect(await store.findByPromptId('p-unknown')).toBeNull();
      await expectRebuildable(store, t.id);
    });

    it('S3: a refused write among concurrent writes is rolled back alone; the others stand', async () => {
      const store = await ledger();
      const a = await submitted(store);
      const b = await submitted(store);
      const results = await Promise.allSettled([
        store.transition(a.id, MoveTo.dispatched('gpu-1', 'p-first'), { expectedVersion: 1 }),
        store.transition(a.id, MoveTo.dispatched('gpu-2', 'p-second'), { expectedVersion: 1 }),
        store.submit({ sessionId: 's', key: 'fresh', workflow: txt2img() }),
        store.transition(b.id, MoveTo.running(), { expectedVersion: 1 }),
        store.appendMessage(b.id, 'warning', 'waiting for a lock'),
      ]);
      const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as LedgerError).code));
      expect([codes[0], codes[1]].sort()).toEqual(['ok', 'version_conflict']);
      expect(codes.slice(2)).toEqual(['ok', 'illegal_transition', 'ok']);
      const attempts = await store.listAttempts(a.id);
      expect(attempts).toHaveLength(1);
      expect((await store.getTask(a.id))?.promptId).toBe(attempts[0]?.promptId);
      expect((await store.listTasks()).total).toBe(3);
      expect((await store.listEvents(b.id)).map((e) => e.kind)).toEqual(['created', 'message']);
      expect((await store.verifyTasks()).mismatched).toEqual([]);
    });

    it('S3: 50 concurrent status writers on shared tasks → no lost update, no illegal transition', async () => {
      const db = await backend.fresh();
      const stores = await Promise.all([1, 2, 3, 4].map((i) => db.open({ newId: sequence(`c${i}`) })));
      const tasks = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[0]!.submit({ sessionId: `s${i}`, workflow: txt2img(i) }).then((r) => r.task.id)));
      const wins = new Map<string, number>(tasks.map((id) => [id, 0]));
      const unexpected: unknown[] = [];
      let conflicts = 0;

      await Promise.all(
        Array.from({ length: 50 }, async (_, w) => {
          const store = stores[w % stores.length]!;
          const rand = seeded(w + 1);
          for (let i = 0; i < 30; i++) {
            const id = tasks[(w + i) % tasks.length]!;
            const task = await store.getTask(id);
            const move = task && nextMove(task, rand, `w${w}i${i}`);
            if (!task || !move) continue;
            try {
              if (move.kind === 'progress') await store.reportProgress(id, { value: move.value, max: 100, nodeId: '3' }, { expectedVersion: task.version });
              else await store.transition(id, move.change, { expectedVersion: task.version });
              wins.set(id, (wins.get(id) ?? 0) + 1);
            } catch (err) {
              if (err instanceof LedgerError && (err.code === 'version_conflict' || err.code === 'terminal')) conflicts++;
              else unexpected.push(err);
            }
          }
        }),
      );

      expect(unexpected).toEqual([]);
      for (const id of tasks) {
        const task = await stores[1]!.getTask(id);
        // Every accepted write is in the row: nothing was overwritten by a concurrent writer.
        expect(task?.version, `task ${id}`).toBe(1 + (wins.get(id) ?? 0));
        // And the history replays to the row through legal transitions only.
        await expectRebuildable(stores[2]!, id);
      }
      expect(await stores[3]!.verifyTasks()).toEqual({ checked: 10, mismatched: [], nextCursor: null });
      // The scenario only proves something if writers really collided.
      expect(conflicts).toBeGreaterThan(0);
    });

    it('S3: 50 concurrent writers → no lock-timeout failure, no lost write', async () => {
      const db = await backend.fresh();
      const stores = await Promise.all([1, 2, 3, 4].map((i) => db.open({ newId: sequence(`c${i}`) })));
      await stores[0]!.registerTaskType({ type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
      const failures: unknown[] = [];
      await Promise.all(
        Array.from({ length: 50 }, async (_, w) => {
          const store = stores[w % stores.length]!;
          try {
            const { task } = await store.submit({ type: 'order', sessionId: `session-${w % 10}`, key: `order-${w}`, workflow: txt2img(w) });
            const { lock } = await store.acquireLock(task.sessionId, 'gpu-1');
            let t = await store.transition(task.id, MoveTo.dispatched(lock.serverId, `prompt-${w}`), { expectedVersion: task.version });
            await store.renewLock(task.sessionId, lock.serverId);
            t = await store.transition(task.id, MoveTo.running(), { expectedVersion: t.version });
            await store.appendMessage(task.id, 'info', `writer ${w}`);
            t = await store.reportProgress(task.id, { value: 1, max: 1, nodeId: null }, { expectedVersion: t.version });
            t = await store.transition(task.id, MoveTo.succeeded([]), { expectedVersion: t.version });
            await store.releaseLockIfIdle(task.sessionId);
            await store.appendAudit({ actor: `writer-${w}`, action: 'task.note', target: task.id });
            await store.setSetting(`writer.${w}`, { done: t.version });
          } catch (err) {
            failures.push(err);
          }
        }),
      );
      expect(failures).toEqual([]);
      const s = stores[0]!;
      expect((await s.countByStatus()).succeeded).toBe(50);
      expect((await s.listAudit()).total).toBe(50);
      expect(await s.getSetting('writer.49')).toEqual({ done: 5 });
      expect(await s.listLocks()).toEqual([]);
      expect((await s.verifyTasks()).mismatched).toEqual([]);
    });
  });
}
