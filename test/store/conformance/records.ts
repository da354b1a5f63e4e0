import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../../src/shared/fleet';
import { ManualClock } from '../../../harness/manual-clock';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

/** Audit log, settings, the fleet's server registry, and persistence across a restart. */
export function recordsSuite(backend: Backend): void {
  describe(`audit, settings, servers (${backend.name})`, () => {
    it('audit entries are appended and listed newest first, paged, filterable by target', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const store = await (await backend.fresh()).open({ clock });
      for (let i = 0; i < 5; i++) {
        clock.advance(1);
        await store.appendAudit({ actor: 'ops', action: 'task.cancel', target: `task-${i % 2}`, reason: i === 0 ? 'stale' : null, details: { i } });
      }
      const first = await store.listAudit({ limit: 3 });
      expect(first.total).toBe(5);
      expect(first.items.map((e) => (e.details as { i: number }).i)).toEqual([4, 3, 2]);
      const second = await store.listAudit({ limit: 3, cursor: first.nextCursor });
      expect(second.items.map((e) => (e.details as { i: number }).i)).toEqual([1, 0]);
      expect(second.nextCursor).toBeNull();
      expect(second.items[1]).toMatchObject({ at: 1_700_000_000_001, actor: 'ops', action: 'task.cancel', target: 'task-0', reason: 'stale' });
      expect((await store.listAudit({ target: 'task-1' })).total).toBe(2);
    });

    it('settings hold JSON values by key; an unknown key reads as undefined', async () => {
      const store = await (await backend.fresh()).open();
      expect(await store.getSetting('probe.interval_ms')).toBeUndefined();
      await store.setSetting('probe.interval_ms', 5000);
      await store.setSetting('ui', { theme: 'dark', columns: ['id', 'status'] });
      await store.setSetting('ui', { theme: 'light' });
      expect(await store.getSetting('probe.interval_ms')).toBe(5000);
      expect(await store.getSetting('ui')).toEqual({ theme: 'light' });
    });

    it('F1: the ServerRegistry port — saved servers come back in the order they were added; delete is idempotent', async () => {
      const store = await (await backend.fresh()).open();
      const a: ServerConfig = { id: 'a', name: 'gpu-a', url: 'http://127.0.0.1:8188', enabled: true, drained: false, maxInFlight: 2, tags: ['4090'], addedAt: 2 };
      const b: ServerConfig = { id: 'b', name: 'gpu-b', url: 'https://farm.example:8443', enabled: false, drained: true, maxInFlight: 1, tags: [], addedAt: 1 };
      await store.saveServer(a);
      await store.saveServer(b);
      await store.saveServer({ ...a, name: 'gpu-a2', tags: ['4090', 'sdxl'] });
      expect(await store.listServers()).toEqual([b, { ...a, name: 'gpu-a2', tags: ['4090', 'sdxl'] }]);
      await store.deleteServer('b');
      await store.deleteServer('b');
      expect((await store.listServers()).map((s) => s.id)).toEqual(['a']);
    });

    it('a closed ledger refuses calls with store_unavailable; closing twice is harmless', async () => {
      const store = await (await backend.fresh()).open();
      await store.close();
      await store.close();
      const err = await rejectsWith(store.submit({ sessionId: 's', workflow: txt2img() }), 'store_unavailable');
      expect(err.message).toContain('the ledger was closed');
      await rejectsWith(store.getTask('x'), 'store_unavailable');
    });

    it('S1 S2: everything survives closing and reopening the ledger (migrations run once)', async () => {
      const db = await backend.fresh();
      const store = await db.open({ newId: sequence('t') });
      const t = (await store.submit({ sessionId: 's', key: 'k', workflow: txt2img() })).task;
      await store.setSetting('x', [1, 2]);
      await store.close();
      const again = await db.open({ newId: sequence('u') });
      expect(await again.getTask(t.id)).toEqual(t);
      expect(await again.getSetting('x')).toEqual([1, 2]);
      expect((await again.submit({ sessionId: 's', key: 'k', workflow: txt2img() })).outcome).toBe('conflict');
    });
  });
}
