import { describe, expect, it } from 'vitest';
import type { WorkflowIssue } from '../../../src/shared/tasks';
import { MoveTo } from '../../../src/main/engine/tasks/move-to';
import type { Backend } from '../harness';
import { rejectsWith } from '../fixtures/expect-error';
import { sequence, txt2img } from '../../../harness/workflows';

/** T1 and other input the ledger refuses, the same way on both databases. Nothing is stored. */
export function badInputSuite(backend: Backend): void {
  describe(`bad input (${backend.name})`, () => {
    it('T1: malformed workflows are refused with every problem, naming node, class and input', async () => {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      const wf = txt2img() as Record<string, unknown>;
      wf['3'] = { class_type: 'KSampler', inputs: { ...(txt2img()['3']?.inputs ?? {}), model: ['99', 0], positive: ['6'] } };
      wf['10'] = { inputs: {} };
      wf['11'] = 'not a node';
      const err = await rejectsWith(store.submit({ sessionId: 's', workflow: wf }), 'invalid_workflow');
      const issues = (err.details as { issues: WorkflowIssue[] }).issues;
      expect(issues.map((i) => i.message)).toEqual([
        'workflow: node "3" (KSampler) input "model" links to node "99", which is not in the workflow',
        'workflow: node "3" (KSampler) input "positive" is not a valid link (["6"]); a link is ["sourceNodeId", outputIndex]',
        'workflow: node "10" has no class_type',
        'workflow: node "11" must be an object with "class_type" and "inputs", got string "not a node"',
      ]);
      expect(err.message).toContain('workflow rejected (4 problems)');
      for (const bad of [null, [], 'not json', '{}', 42, { '1': { class_type: 'X', inputs: [] } }]) {
        await rejectsWith(store.submit({ sessionId: 's', workflow: bad }), 'invalid_workflow');
      }
      expect((await store.listTasks()).total).toBe(0);
    });

    it('T1: a workflow over the size limit (default 5 MB of JSON text) is refused as too_large', async () => {
      const store = await (await backend.fresh()).open();
      const huge = txt2img();
      huge['6'] = { class_type: 'CLIPTextEncode', inputs: { text: 'x'.repeat(5 * 1024 * 1024), clip: ['4', 1] } };
      const err = await rejectsWith(store.submit({ sessionId: 's', workflow: huge }), 'too_large');
      expect(err.message).toMatch(/^workflow is \d+ bytes, over the limit of 5242880 bytes/);
      await rejectsWith(store.submit({ sessionId: 's', workflow: JSON.stringify(huge) }), 'too_large');
      const small = await (await backend.fresh()).open({ maxWorkflowBytes: 200 });
      await rejectsWith(small.submit({ sessionId: 's', workflow: txt2img() }), 'too_large');
      expect((await store.listTasks()).total).toBe(0);
    });

    it('T2: submissions and changes with missing or malformed fields are bad requests naming the field', async () => {
      const store = await (await backend.fresh()).open({ newId: sequence('t') });
      const e1 = await rejectsWith(store.submit({ sessionId: '', workflow: txt2img() }), 'bad_request');
      expect(e1.message).toContain('sessionId');
      await rejectsWith(store.submit({ sessionId: 's', key: '   ', workflow: txt2img() }), 'bad_request');
      await rejectsWith(store.submit({ sessionId: 's', type: 'UPPER', workflow: txt2img() }), 'bad_request');
      const t = (await store.submit({ sessionId: 's', workflow: txt2img() })).task;
      await rejectsWith(store.transition(t.id, { to: 'dispatched', serverId: '', promptId: 'p' }, { expectedVersion: 1 }), 'bad_request');
      await rejectsWith(store.transition(t.id, { to: 'exploded' } as never, { expectedVersion: 1 }), 'bad_request');
      await rejectsWith(store.transition(t.id, MoveTo.running(), { expectedVersion: 0 }), 'bad_request');
      await rejectsWith(store.reportProgress(t.id, { value: -1, max: 10, nodeId: null }, { expectedVersion: 1 }), 'bad_request');
      await rejectsWith(store.listUnfinished({ status: ['succeeded' as never] }), 'bad_request');
      await rejectsWith(store.listTasks({ status: ['done' as never] }), 'bad_request');
      await rejectsWith(store.setSetting('k', undefined), 'bad_request');
      await rejectsWith(store.setSetting('k', { n: 1n } as never), 'bad_request');
      expect(await store.getTask(t.id)).toMatchObject({ version: 1, status: 'queued' });
    });
  });
}
