import { afterEach, describe, expect, it } from 'vitest';
import type { TaskCounts } from '../src/shared/tasks';
import { modelFreeWorkflow } from '../sim/src';
import type { Harness } from './support/engine-harness';
import { startHarness } from './support/engine-harness';

let h: Harness | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
});

describe('tasks.counts (U2 status chips)', () => {
  it('U2, S4: counts all tasks, or those of one session or type; unknown filters are refused', async () => {
    h = await startHarness();
    // No server: every task stays queued, so the counts are exact.
    for (let i = 0; i < 3; i++) await h.submit({ workflow: modelFreeWorkflow({ seed: i }), sessionId: 'shop' });
    await h.submit({ workflow: modelFreeWorkflow({ seed: 9 }), sessionId: 'studio' });
    expect((await h.call<TaskCounts>('tasks.counts', {})).queued).toBe(4);
    expect((await h.call<TaskCounts>('tasks.counts', { sessionId: 'shop' })).queued).toBe(3);
    expect((await h.call<TaskCounts>('tasks.counts', { sessionId: 'shop', type: 'default' })).queued).toBe(3);
    expect((await h.call<TaskCounts>('tasks.counts', { type: 'nothing-of-this-type' })).queued).toBe(0);
    expect(await h.engine.call('tasks.counts', { status: ['queued'] })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
