import { describe, expect, it } from 'vitest';
import type { SubmitOutcome } from '../../../src/shared/tasks';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import type { Store } from '../../../src/main/engine/store/store';
import { ManualClock } from '../../../harness/manual-clock';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

/** T2 and the two submission scenarios of field report 002 (S3). */
export function submitSuite(backend: Backend): void {
  describe(`submission and dedup (${backend.name})`, () => {
    async function ledger(): Promise<Store> {
      const db = await backend.fresh();
      const store = await db.open({ clock: new ManualClock(1_700_000_000_000), newId: sequence('t') });
      await store.registerTaskType({ type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
      await store.registerTaskType({ type: 'render', mode: 'rerunnable', retryLimit: 1, failover: 'move' });
      return store;
    }

    async function finish(store: Store, id: string, end: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'): Promise<void> {
      let t = await store.transition(id, MoveTo.dispatched('gpu-1', `p-${id}`), { expectedVersion: 1 });
      const change =
        end === 'succeeded' ? MoveTo.succeeded([]) : end === 'failed' ? MoveTo.failed({ code: 'execution', message: 'boom' }) : end === 'cancelled' ? MoveTo.cancelled('operator') : MoveTo.interrupted('server restarted');
      t = await store.transition(id, change, { expectedVersion: t.version });
      expect(t.status).toBe(end);
    }

    it('T2 once: same key while active → deduplicated with the existing task', async () => {
      const store = await ledger();
      const first = await store.submit({ type: 'order', sessionId: 's', key: 'order-17', workflow: txt2img() });
      expect(first.outcome).toBe('created');
      const again = await store.submit({ type: 'order', sessionId: 'other', key: 'order-17', workflow: txt2img(2) });
      expect(again).toEqual({ outcome: 'deduplicated', task: first.task });
      expect((await store.listTasks()).total).toBe(1);
    });

    it('T2 once: after success → deduplicated; after failure, cancel or interrupt → a new task', async () => {
      const store = await ledger();
      const ok = await store.submit({ type: 'order', sessionId: 's', key: 'ok', workflow: txt2img() });
      await finish(store, ok.task.id, 'succeeded');
      const dup = await store.submit({ type: 'order', sessionId: 's', key: 'ok', workflow: txt2img() });
      expect(dup.outcome).toBe('deduplicated');
      expect(dup.task.id).toBe(ok.task.id);
      expect(dup.task.status).toBe('succeeded');

      for (const end of ['failed', 'cancelled', 'interrupted'] as const) {
        const a = await store.submit({ type: 'order', sessionId: 's', key: `k-${end}`, workflow: txt2img() });
        await finish(store, a.task.id, end);
        const b = await store.submit({ type: 'order', sessionId: 's', key: `k-${end}`, workflow: txt2img() });
        expect(b.outcome, end).toBe('created');
        expect(b.task.id).not.toBe(a.task.id);
        expect(b.task.key).toBe(`k-${end}`);
      }
    });

    it('T2 once: a task cancelled while still queued frees its key', async () => {
      const store = await ledger();
      const a = await store.submit({ type: 'order', sessionId: 's', key: 'q', workflow: txt2img() });
      await store.transition(a.task.id, MoveTo.cancelled('changed my mind'), { expectedVersion: 1 });
      expect((await store.submit({ type: 'order', sessionId: 's', key: 'q', workflow: txt2img() })).outcome).toBe('created');
    });

    it('T2 rerunnable: same key while active → conflict naming the running task; after any terminal state → a new task', async () => {
      const store = await ledger();
      const a = await store.submit({ type: 'render', sessionId: 's', key: 'shot-1', workflow: txt2img() });
      await store.transition(a.task.id, MoveTo.dispatched('gpu-1', 'p-1'), { expectedVersion: 1 });
      const clash = await store.submit({ type: 'render', sessionId: 's', key: 'shot-1', workflow: txt2img() });
      expect(clash.outcome).toBe('conflict');
      expect(clash.task.id).toBe(a.task.id);
      expect(clash.task.status).toBe('dispatched');

      await store.transition(a.task.id, MoveTo.succeeded([]), { expectedVersion: 2 });
      const b = await store.submit({ type: 'render', sessionId: 's', key: 'shot-1', workflow: txt2img() });
      expect(b.outcome).toBe('created');
      for (const end of ['failed', 'cancelled', 'interrupted'] as const) {
        const prev = (await store.listTasks({ search: 'shot-1', status: ['queued'] })).items[0];
        if (!prev) throw new Error('no queued shot-1');
        await finish(store, prev.id, end);
        expect((await store.submit({ type: 'render', sessionId: 's', key: 'shot-1', workflow: txt2img() })).outcome, end).toBe('created');
      }
      expect((await store.listTasks({ search: 'shot-1' })).total).toBe(5);
    });

    it('T2 without a key every submission is a new task; keys are per type', async () => {
      const store = await ledger();
      const a = await store.submit({ sessionId: 's', workflow: txt2img() });
      const b = await store.submit({ sessionId: 's', workflow: txt2img() });
      expect([a.outcome, b.outcome]).toEqual(['created', 'created']);
      expect(a.task.type).toBe('default');
      const o = await store.submit({ type: 'order', sessionId: 's', key: 'same', workflow: txt2img() });
      const r = await store.submit({ type: 'render', sessionId: 's', key: 'same', workflow: txt2img() });
      expect([o.outcome, r.outcome]).toEqual(['created', 'created']);
    });

    it('T2 a type changed from once to rerunnable no longer dedups against an old success', async () => {
      const store = await ledger();
      const a = await store.submit({ type: 'order', sessionId: 's', key: 'k', workflow: txt2img() });
      await finish(store, a.task.id, 'succeeded');
      await store.registerTaskType({ type: 'order', mode: 'rerunnable', retryLimit: 0, failover: 'wait' });
      const b = await store.submit({ type: 'order', sessionId: 's', key: 'k', workflow: txt2img() });
      expect(b.outcome).toBe('created');
      expect(b.task.mode).toBe('rerunnable');
    });

    it('T2 task types: registered types persist; an unknown type is refused listing the known ones', async () => {
      const db = await backend.fresh();
      const store = await db.open();
      await store.registerTaskType({ type: 'order', mode: 'once', retryLimit: 2, failover: 'move' });
      await store.close();
      const again = await db.open();
      expect(await again.listTaskTypes()).toEqual([
        { type: 'default', mode: 'rerunnable', retryLimit: 1, failover: 'wait' },
        { type: 'order', mode: 'once', retryLimit: 2, failover: 'move' },
      ]);
      const err = await rejectsWith(again.submit({ type: 'photo', sessionId: 's', workflow: txt2img() }), 'unknown_type');
      expect(err.message).toContain('unknown task type "photo"; known types: "default", "order"');
      await rejectsWith(again.getTaskPolicy('photo'), 'unknown_type');
      await rejectsWith(again.registerTaskType({ type: 'Bad Name', mode: 'once', retryLimit: 1, failover: 'wait' }), 'bad_request');
      await rejectsWith(again.registerTaskType({ type: 'x', mode: 'twice' as never, retryLimit: 1, failover: 'wait' }), 'bad_request');
      expect((await again.listTasks()).total).toBe(0);
    });

    for (const [type, expected] of [
      ['order', 'deduplicated'],
      ['render', 'conflict'],
    ] as const) {
      it(`S3: 10 concurrent submissions of one key → 1 task (${type}: 1 created, 9 ${expected})`, async () => {
        const db = await backend.fresh();
        // Several connections (SQLite) or pools (PostgreSQL) on one database, like several consoles.
        const stores = await Promise.all([1, 2, 3].map((i) => db.open({ newId: sequence(`c${i}`) })));
        await stores[0]?.registerTaskType({ type, mode: type === 'order' ? 'once' : 'rerunnable', retryLimit: 1, failover: 'wait' });
        const results: SubmitOutcome[] = await Promise.all(
          Array.from({ length: 10 }, (_, i) => stores[i % stores.length]!.submit({ type, sessionId: `s${i}`, key: 'order-42', workflow: txt2img(i) })),
        );
        const created = results.filter((r) => r.outcome === 'created');
        expect(created).toHaveLength(1);
        expect(results.filter((r) => r.outcome === expected)).toHaveLength(9);
        expect(new Set(results.map((r) => r.task.id))).toEqual(new Set([created[0]?.task.id]));
        expect((await stores[0]!.listTasks()).total).toBe(1);
      });
    }

    it('S3: 100 distinct concurrent submissions → 100 tasks, no duplicates', async () => {
      const db = await backend.fresh();
      const stores = await Promise.all([1, 2, 3, 4].map((i) => db.open({ newId: sequence(`c${i}`) })));
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % stores.length]!.submit({ sessionId: `s${i % 7}`, key: `order-${i}`, workflow: txt2img(i) })));
      expect(results.every((r) => r.outcome === 'created')).toBe(true);
      expect(new Set(results.map((r) => r.task.id)).size).toBe(100);
      const page = await stores[0]!.listTasks({ limit: 1000 });
      expect(page.total).toBe(100);
      expect(new Set(page.items.map((t) => t.key)).size).toBe(100);
    });
  });
}
