import { afterEach, describe, expect, it } from 'vitest';
import type { LiveTaskPage, LiveTaskView } from '../../src/shared/tasks';
import { modelFreeWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('tasks.list carries the live waiting reason (issue 19, item 8)', () => {
  it('a queued task that cannot be placed shows the same waiting reason in tasks.list as in tasks.get', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const stuck = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), requirements: { nodes: ['UpscaleModelLoader'] } });
    await until(async () => ((await h!.detail(stuck.task.id)).task as LiveTaskView).waiting?.includes('lacks node UpscaleModelLoader') === true, 'tasks.get says why it waits');
    const waiting = ((await h.detail(stuck.task.id)).task as LiveTaskView).waiting;

    const page = await h.call<LiveTaskPage>('tasks.list', {});
    const row = page.items.find((t) => t.id === stuck.task.id);
    expect(row?.status).toBe('queued');
    expect(row?.waiting).toBe(waiting);
  });
});
