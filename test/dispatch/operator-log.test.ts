import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/shared/api';
import { modelFreeWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('the engine log names every operator action (issue 19, item 11)', () => {
  it('cancel, force-unlock with requeue, drain and remove each write one info line with the actor and the target', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    const aId = await h.addServer(a);
    const lines = async () => (await h!.engine.call('log.tail', { limit: 1_000 }, { actor: 'reader' })) as { ok: true; value: { lines: LogLine[] } };
    const operatorLines = async () => (await lines()).value.lines.filter((l) => l.level === 'info' && l.text.startsWith('operator "alice"')).map((l) => l.text);
    const as = async (name: string, args: unknown) => {
      const r = await h!.engine.call(name, args, { actor: 'alice' });
      expect(r, name).toMatchObject({ ok: true });
    };

    a.pauseWorker();
    const held = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), sessionId: 'studio' });
    await h.waitFor(held.task.id, ['dispatched', 'running']);
    // A task of another session, cancelled by the operator.
    const other = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), sessionId: 'other' });
    await as('tasks.cancel', { id: other.task.id, reason: 'not needed' });
    await as('locks.unlock', { sessionId: 'studio', reason: 'move it', unfinished: 'requeue' });
    await as('servers.update', { id: aId, drained: true });
    await as('servers.remove', { id: aId });
    a.resumeWorker();

    await until(async () => (await operatorLines()).length >= 4, 'four operator lines');
    const got = await operatorLines();
    expect(got).toHaveLength(4);
    expect(got[0]).toContain(`task.cancel task ${other.task.id}`);
    expect(got[0]).toContain('reason=not needed');
    expect(got[1]).toContain('lock.force-unlock session studio on server "gpu-a"');
    expect(got[1]).toContain('unfinished=requeue');
    expect(got[1]).toContain('"requeued":1');
    expect(got[2]).toContain(`server.update server "gpu-a" (${aId}) (drained=true)`);
    expect(got[3]).toContain(`server.remove server "gpu-a" (${aId})`);
  });
});
