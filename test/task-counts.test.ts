import { afterEach, describe, expect, it } from 'vitest';
import type { TaskCounts, TaskPage } from '../src/shared/tasks';
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

  it('U2: counts follow the key search exactly as the list does (key substring or id prefix, any case), so a chip never counts what the list hides', async () => {
    h = await startHarness();
    // No server: every task stays queued.
    for (const [i, key] of ['order-4711', 'ORDER-4712', 'order-99', 'invoice-1'].entries()) {
      await h.submit({ workflow: modelFreeWorkflow({ seed: i }), key, sessionId: i < 2 ? 'shop' : 'studio' });
    }
    const listed = async (args: object) => (await h!.call<TaskPage>('tasks.list', args)).total;
    const counted = async (args: object) => (await h!.call<TaskCounts>('tasks.counts', args)).queued;
    for (const args of [{ search: 'order' }, { search: 'Order-47' }, { search: 'order', sessionId: 'studio' }, { search: 'nothing-like-it' }]) {
      expect(await counted(args), JSON.stringify(args)).toBe(await listed(args));
    }
    expect(await counted({ search: 'order' })).toBe(3);
    expect(await counted({ search: 'order-47' })).toBe(2);
    const invoice = (await h.call<TaskPage>('tasks.list', { search: 'invoice' })).items[0]!;
    expect(await counted({ search: invoice.id.slice(0, 8) })).toBe(1);
  });
});
