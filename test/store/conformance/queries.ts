import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../src/shared/tasks';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import type { Store } from '../../../src/main/engine/store/store';
import { ManualClock } from '../../../harness/manual-clock';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

const DAY = 24 * 60 * 60 * 1000;

/** S4: paged, filtered queries; the dispatcher's queries; retention. */
export function queriesSuite(backend: Backend): void {
  describe(`queries and retention (${backend.name})`, () => {
    async function seeded(): Promise<{ store: Store; clock: ManualClock; tasks: TaskView[] }> {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await (await backend.fresh()).open({ clock, newId: sequence('task') });
      await store.registerTaskType({ type: 'photo', mode: 'once', retryLimit: 0, failover: 'wait' });
      const tasks: TaskView[] = [];
      for (let i = 0; i < 25; i++) {
        // Two tasks per millisecond, so the id breaks ties of created_at.
        if (i % 2 === 0) clock.advance(1);
        const r = await store.submit({ type: i % 5 === 0 ? 'photo' : 'default', sessionId: `s${i % 3}`, key: i % 4 === 0 ? `Order_${i}%` : null, workflow: txt2img(i) });
        tasks.push(r.task);
      }
      for (const t of tasks.slice(0, 6)) await store.transition(t.id, MoveTo.dispatched(t.sessionId === 's0' ? 'gpu-a' : 'gpu-b', `p-${t.id}`), { expectedVersion: 1 });
      return { store, clock, tasks };
    }

    it('S4: pages newest first (created desc, id desc) with a total; cursors visit every task once', async () => {
      const { store, tasks } = await seeded();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store.listTasks({ limit: 10, cursor });
        expect(page.total).toBe(25);
        expect(page.items.length).toBeLessThanOrEqual(10);
        seen.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      const expected = [...tasks].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((t) => t.id);
      expect(seen).toEqual(expected);
      await rejectsWith(store.listTasks({ cursor: 'garbage' }), 'bad_request');
      await rejectsWith(store.listTasks({ limit: 0 }), 'bad_request');
      await rejectsWith(store.listTasks({ limit: 1001 }), 'bad_request');
    });

    it('S4: filters by status, server, type and session; search by id prefix or key substring, case-insensitively', async () => {
      const { store } = await seeded();
      expect((await store.listTasks({ status: ['dispatched'] })).total).toBe(6);
      expect((await store.listTasks({ status: ['queued', 'dispatched'] })).total).toBe(25);
      expect((await store.listTasks({ serverId: 'gpu-a' })).items.map((t) => t.id)).toEqual(['task-0004', 'task-0001']);
      expect((await store.listTasks({ type: 'photo' })).total).toBe(5);
      expect((await store.listTasks({ sessionId: 's1', type: 'default' })).items.every((t) => t.sessionId === 's1' && t.type === 'default')).toBe(true);
      expect((await store.listTasks({ search: 'TASK-001' })).items.map((t) => t.id).sort()).toEqual(
        ['task-0010', 'task-0011', 'task-0012', 'task-0013', 'task-0014', 'task-0015', 'task-0016', 'task-0017', 'task-0018', 'task-0019'],
      );
      expect((await store.listTasks({ search: 'order_1' })).items.map((t) => t.key).sort()).toEqual(['Order_12%', 'Order_16%']);
      // LIKE wildcards in a search are plain characters.
      expect((await store.listTasks({ search: '%' })).total).toBe(7);
      expect((await store.listTasks({ search: '_' })).total).toBe(7);
      expect((await store.listTasks({ search: 'nothing-like-this' })).total).toBe(0);
    });

    it('S4: counts by status; unfinished tasks oldest first, paged; workflow fetched apart', async () => {
      const { store, tasks } = await seeded();
      expect(await store.countByStatus()).toEqual({ queued: 19, dispatched: 6, running: 0, succeeded: 0, failed: 0, cancelled: 0, interrupted: 0 });
      expect((await store.countByStatus({ type: 'photo' })).dispatched).toBe(2);
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listUnfinished({ limit: 7, cursor });
        ids.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toEqual(tasks.map((t) => t.id));
      expect((await store.listUnfinished({ status: ['dispatched'], serverId: 'gpu-b' })).items).toHaveLength(4);
      expect(await store.getWorkflow('task-0003')).toEqual(txt2img(2));
      expect(await store.getWorkflow('task-9999')).toBeNull();
      expect(await store.getTask('task-9999')).toBeNull();
    });

    it('S4: retention purges terminal tasks older than N days with their events and attempts; returns how many', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await (await backend.fresh()).open({ clock, newId: sequence('t') });
      const make = async (end: 'succeeded' | 'cancelled' | null) => {
        const t = (await store.submit({ sessionId: 's', workflow: txt2img() })).task;
        if (end === 'cancelled') await store.transition(t.id, MoveTo.cancelled('x'), { expectedVersion: 1 });
        if (end === 'succeeded') {
          const d = await store.transition(t.id, MoveTo.dispatched('g', `p-${t.id}`), { expectedVersion: 1 });
          await store.transition(t.id, MoveTo.succeeded(), { expectedVersion: d.version });
        }
        return t.id;
      };
      const old = [await make('succeeded'), await make('cancelled')];
      const oldButActive = await make(null);
      clock.advance(20 * DAY);
      const recent = await make('succeeded');
      clock.advance(15 * DAY);

      expect(await store.getRetentionDays()).toBeNull();
      expect(await store.purgeTerminalTasks()).toBe(0); // no setting: keep everything
      await store.setRetentionDays(30);
      expect(await store.getRetentionDays()).toBe(30);
      const reported: string[] = [];
      expect(await store.purgeTerminalTasks({ onPurged: (ids) => void reported.push(...ids) })).toBe(2);
      expect(reported.sort()).toEqual([...old].sort());
      for (const id of old) {
        expect(await store.getTask(id)).toBeNull();
        expect(await store.listEvents(id)).toEqual([]);
        expect(await store.listAttempts(id)).toEqual([]);
        expect(await store.findByPromptId(`p-${id}`)).toBeNull();
      }
      expect(await store.getTask(oldButActive)).not.toBeNull();
      expect(await store.getTask(recent)).not.toBeNull();
      expect(await store.purgeTerminalTasks({ olderThanDays: 10 })).toBe(1);
      expect(await store.purgeTerminalTasks({ olderThanDays: 10 })).toBe(0);
      await rejectsWith(store.setRetentionDays(0), 'bad_request');
      await store.setRetentionDays(null);
      expect(await store.getRetentionDays()).toBeNull();
    });
  });
}
