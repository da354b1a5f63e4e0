import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelFreeWorkflow, txt2imgWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('submission and tracking over real sockets (T1, T4, T5, T6)', () => {
  it('T4, T5, T6: a task is dispatched with a console-made prompt_id, tracked to success, and its outputs are stored from its server', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    const serverId = await h.addServer(a);
    const { outcome, task } = await h.submit({ workflow: txt2imgWorkflow({ steps: 3, seed: 11 }), sessionId: 'op-1' });
    expect(outcome).toBe('created');
    const done = await h.waitFor(task.id, ['succeeded']);
    expect(done).toMatchObject({ serverId, attempt: 1, status: 'succeeded' });
    // The console chose the prompt_id and the server ran exactly that prompt, once.
    expect(a.executions().filter((e) => e.promptId === done.promptId)).toHaveLength(1);
    expect(done.outputs).toHaveLength(1);
    const out = done.outputs[0];
    expect(out?.file).toBeTruthy();
    const bytes = readFileSync(join(h.dir, 'outputs', out?.file as string));
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const thumb = await h.call<{ contentType: string; base64: string }>('tasks.output', { id: task.id, index: 0, thumbnail: true });
    expect(thumb.contentType).toBe('image/png');
    const detail = await h.detail(task.id);
    expect(detail.attempts).toMatchObject([{ n: 1, serverId, promptId: done.promptId, outcome: 'succeeded' }]);
    expect(detail.events.map((e) => (e.kind === 'transition' ? e.to : e.kind))).toEqual(expect.arrayContaining(['created', 'dispatched', 'running', 'succeeded']));
    expect(h.updates.some((u) => u.id === task.id && u.status === 'running')).toBe(true);
  });

  it('T5: progress from the socket reaches the task', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a', { durations: { KSampler: 60 } });
    await h.addServer(a);
    const { task } = await h.submit({ workflow: txt2imgWorkflow({ steps: 10, seed: 3 }) });
    await until(() => h.updates.some((u) => u.id === task.id && u.progress !== null && u.progress.value > 0), 'progress seen');
    await h.waitFor(task.id, ['succeeded']);
  });

  it('T1: a malformed workflow is refused with the node named and nothing is queued', async () => {
    h = await startHarness();
    const r = await h.engine.call('tasks.submit', { workflow: { '1': { class_type: 'KSampler', inputs: { model: ['99', 0] } } } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_workflow');
      expect(r.error.message).toContain('node "1" (KSampler) input "model"');
    }
    expect((await h.call<{ total: number }>('tasks.list', {})).total).toBe(0);
  });

  it('T10: a workflow the server refuses fails at once with readable per-node messages and no retry', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const wf = modelFreeWorkflow({ seed: 1 });
    (wf['1'] as { inputs: Record<string, unknown> }).inputs['width'] = 0;
    const { task } = await h.submit({ workflow: wf });
    const failed = await h.waitFor(task.id, ['failed']);
    expect(failed.error).toMatchObject({ code: 'validation', nodeErrors: [{ nodeId: '1', classType: 'EmptyImage', message: 'input "width": Value 0 smaller than min of 1' }] });
    expect(failed.error?.message).toContain('server "gpu-a" refused the workflow: node 1 (EmptyImage) input "width"');
    expect(failed.attempt).toBe(1);
    expect(a.executions()).toHaveLength(0);
  });
});
