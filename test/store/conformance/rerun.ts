import { describe, expect, it } from 'vitest';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import type { Store } from '../../../src/main/engine/store/store';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

/** T8: re-runs are new tasks linked to their parent, subject to the policy, audited. */
export function rerunSuite(backend: Backend): void {
  describe(`re-run (${backend.name})`, () => {
    async function ledger(): Promise<Store> {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      await store.registerTaskType({ type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
      return store;
    }

    async function run(store: Store, id: string, ok = true): Promise<void> {
      const d = await store.transition(id, MoveTo.dispatched('gpu-1', `p-${id}`), { expectedVersion: 1 });
      await store.transition(id, ok ? MoveTo.succeeded() : MoveTo.failed({ code: 'execution', message: 'boom' }), { expectedVersion: d.version });
    }

    it('T8: a re-run is a new task linked to its parent, with the same workflow, and is audited', async () => {
      const store = await ledger();
      const parent = (await store.submit({ sessionId: 's', key: 'shot', workflow: txt2img(7) })).task;
      await run(store, parent.id);
      const r = await store.rerun({ parentId: parent.id, actor: 'ops' });
      expect(r.outcome).toBe('created');
      expect(r.task).toMatchObject({ parentId: parent.id, type: 'default', key: 'shot', sessionId: 's', status: 'queued' });
      expect(await store.getWorkflow(r.task.id)).toEqual(txt2img(7));
      expect((await store.listAudit()).items[0]).toMatchObject({ actor: 'ops', action: 'task.rerun', target: parent.id, details: { taskId: r.task.id, forced: false, edited: false } });
      // U3: the parent's re-runs are listed by parent.
      const children = await store.listTasks({ parentId: parent.id });
      expect(children.items.map((t) => t.id)).toEqual([r.task.id]);
      expect((await store.listTasks({ parentId: r.task.id })).total).toBe(0);
    });

    it('B5 T8: requirements and a pin are kept with the task and copied to its re-runs; "none" is stored as null', async () => {
      const store = await ledger();
      const requirements = { nodes: ['KSampler', 'IPAdapterApply'], models: ['sdxl_base.safetensors'] };
      const parent = (await store.submit({ sessionId: 's', workflow: txt2img(), requirements, pinServerId: 'gpu-3' })).task;
      expect(parent).toMatchObject({ requirements, pinServerId: 'gpu-3' });
      expect((await store.getTask(parent.id))?.requirements).toEqual(requirements);
      await run(store, parent.id);
      expect((await store.rerun({ parentId: parent.id, actor: 'ops' })).task).toMatchObject({ requirements, pinServerId: 'gpu-3' });
      expect((await store.submit({ sessionId: 's', workflow: txt2img(), requirements: { nodes: [], models: [] } })).task.requirements).toBeNull();
      await rejectsWith(store.submit({ sessionId: 's', workflow: txt2img(), requirements: { nodes: [''] } }), 'bad_request');
    });

    it('T8: a re-run may carry an edited workflow, which is validated', async () => {
      const store = await ledger();
      const parent = (await store.submit({ sessionId: 's', workflow: txt2img(1) })).task;
      await run(store, parent.id, false);
      const edited = txt2img(99);
      const r = await store.rerun({ parentId: parent.id, actor: 'ops', workflow: edited, sessionId: 'other' });
      expect(r.task.sessionId).toBe('other');
      expect(await store.getWorkflow(r.task.id)).toEqual(edited);
      await rejectsWith(store.rerun({ parentId: parent.id, actor: 'ops', workflow: { '1': { inputs: {} } } }), 'invalid_workflow');
      await rejectsWith(store.rerun({ parentId: 'missing', actor: 'ops' }), 'not_found');
    });

    it('T8 T2: a `once` task that succeeded is not re-run unless forced with a reason; the success keeps its key', async () => {
      const store = await ledger();
      const parent = (await store.submit({ type: 'order', sessionId: 's', key: 'order-9', workflow: txt2img() })).task;
      await run(store, parent.id);
      const refused = await rejectsWith(store.rerun({ parentId: parent.id, actor: 'ops' }), 'rerun_refused');
      expect(refused.message).toContain(`task ${parent.id} (type "order", policy once) already succeeded`);
      await rejectsWith(store.rerun({ parentId: parent.id, actor: 'ops', force: true }), 'bad_request');
      expect((await store.listTasks()).total).toBe(1);

      const forced = await store.rerun({ parentId: parent.id, actor: 'ops', force: true, reason: 'customer asked for a new render' });
      expect(forced.outcome).toBe('created');
      expect(forced.task).toMatchObject({ parentId: parent.id, key: 'order-9', mode: 'once' });
      expect((await store.listAudit()).items[0]).toMatchObject({ action: 'task.rerun', target: parent.id, reason: 'customer asked for a new render', details: { taskId: forced.task.id, forced: true } });
      // The original success still answers for its key: no third run can slip in.
      const dup = await store.submit({ type: 'order', sessionId: 's', key: 'order-9', workflow: txt2img() });
      expect(dup).toMatchObject({ outcome: 'deduplicated', task: { id: parent.id } });
      // The forced re-run never held the key, so its end changes nothing for the key either.
      await run(store, forced.task.id, false);
      expect((await store.submit({ type: 'order', sessionId: 's', key: 'order-9', workflow: txt2img() })).task.id).toBe(parent.id);
    });

    it('T8 T2: re-running a failed `once` task takes the key; a re-run of an active `rerunnable` task is a conflict', async () => {
      const store = await ledger();
      const parent = (await store.submit({ type: 'order', sessionId: 's', key: 'order-3', workflow: txt2img() })).task;
      await run(store, parent.id, false);
      const retry = await store.rerun({ parentId: parent.id, actor: 'ops' });
      expect(retry.outcome).toBe('created');
      const dup = await store.submit({ type: 'order', sessionId: 's', key: 'order-3', workflow: txt2img() });
      expect(dup).toMatchObject({ outcome: 'deduplicated', task: { id: retry.task.id } });

      const active = (await store.submit({ sessionId: 's', key: 'shot', workflow: txt2img() })).task;
      const clash = await store.rerun({ parentId: active.id, actor: 'ops' });
      expect(clash).toMatchObject({ outcome: 'conflict', task: { id: active.id } });
      expect((await store.listAudit()).total).toBe(1);
    });
  });
}
