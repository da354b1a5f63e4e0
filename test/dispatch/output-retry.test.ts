import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../src/shared/api';
import { modelFreeWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

/*
 * T6 when the task's server misbehaves between the end of the job and the fetch of its outputs
 * (found by the chaos suite, seeds 11 and 2025: a crash, or a garbage answer on /view, at that
 * moment left a succeeded task without its outputs for good). The job did succeed and the
 * server keeps its files, so the fetch is tried again before the task ends.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const notFetchedYet = (d: TaskDetail) => d.events.filter((e) => e.kind === 'message' && e.level === 'warning' && e.text.includes('not fetched yet')).length;

describe('outputs of a succeeded task when its server answers /view with garbage for a while (T6)', () => {
  it('T6: the fetch is tried again, and once /view answers the task succeeds with its output stored', { timeout: 20_000 }, async () => {
    h = await startHarness({ ledger: { dispatch: { outputRetryDelaysMs: [300, 300, 300, 300, 300, 300] } } });
    const harness = h;
    const sim = await harness.sim('gpu-a');
    await harness.addServer(sim);
    sim.inject({ kind: 'nonJson', paths: ['/view'] });
    const { task } = await harness.submit({ workflow: modelFreeWorkflow({ seed: 1, width: 8, height: 8 }), sessionId: 'shop' });
    await until(async () => notFetchedYet(await harness.detail(task.id)) >= 1, 'a retry of the output fetch announced', 10_000);
    expect((await harness.task(task.id)).status, 'not ended while its outputs are still being fetched').not.toBe('succeeded');
    await sim.lift('nonJson');
    const done = await harness.waitFor(task.id, ['succeeded', 'failed'], 10_000);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
    expect(done.outputs[0]).toMatchObject({ error: null, contentType: 'image/png' });
    expect(done.outputs[0]?.file).toBeTruthy();
  });

  it('T6: the retries are bounded: a server that never answers /view properly leaves the task succeeded with the output error named', { timeout: 20_000 }, async () => {
    h = await startHarness({ ledger: { dispatch: { outputRetryDelaysMs: [100, 100] } } });
    const harness = h;
    const sim = await harness.sim('gpu-a');
    await harness.addServer(sim);
    sim.inject({ kind: 'nonJson', paths: ['/view'] });
    const { task } = await harness.submit({ workflow: modelFreeWorkflow({ seed: 2, width: 8, height: 8 }), sessionId: 'shop' });
    const done = await harness.waitFor(task.id, ['succeeded', 'failed'], 10_000);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]?.file ?? null).toBeNull();
    expect(done.outputs[0]?.error).toContain('web page');
    expect(notFetchedYet(await harness.detail(task.id))).toBe(2);
  });
});
