import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleSettings, LogLine } from '../../src/shared/api';
import type { DeltaBatch } from '../../src/shared/fleet';
import type { AuditPage } from '../../src/shared/tasks';
import { modelFreeWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('settings and the log (U6, U7)', () => {
  it('U6, B4, S4: settings show the database and timings; limits and retention change at once, are saved and audited', async () => {
    h = await startHarness();
    const before = await h.call<ConsoleSettings>('settings.get', {});
    expect(before).toMatchObject({ database: { backend: 'sqlite' }, retentionDays: null, dispatch: { maxQueued: 10_000 }, probe: { timeoutMs: 10_000 } });
    const after = await h.call<ConsoleSettings>('settings.set', { retentionDays: 30, dispatch: { maxQueued: 1 } });
    expect(after).toMatchObject({ retentionDays: 30, dispatch: { maxQueued: 1 } });
    await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) });
    expect(await h.engine.call('tasks.submit', { workflow: modelFreeWorkflow({ seed: 2 }) })).toMatchObject({ ok: false, error: { code: 'queue_full' } });
    expect(await h.store.getSetting('dispatch.limits')).toMatchObject({ maxQueued: 1 });
    const audit = await h.call<AuditPage>('audit.list', { target: 'settings' });
    expect(audit.items[0]).toMatchObject({ action: 'settings.update', actor: 'operator', details: { retentionDays: 30, dispatch: { maxQueued: 1 } } });
    expect(await h.engine.call('settings.set', { retentionDays: 0 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('U7: the log keeps the newest lines, streams new ones as deltas, and verbose lines appear only while verbose is on', async () => {
    h = await startHarness();
    const streamed: LogLine[] = [];
    h.engine.onEvent((e) => {
      if (e.type === 'deltas') for (const d of (e.batch as DeltaBatch).deltas) if (d.type === 'log.line') streamed.push(d.line);
    });
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const tail = await h.call<{ lines: LogLine[]; verbose: boolean }>('log.tail', {});
    expect(tail.verbose).toBe(false);
    expect(tail.lines.some((l) => l.text === `server "gpu-a" added at ${a.url}`)).toBe(true);
    expect(tail.lines.every((l) => l.level === 'info')).toBe(true);
    await h.call('log.setVerbose', { verbose: true });
    a.dropSockets();
    await until(() => streamed.some((l) => l.level === 'verbose' && l.text.startsWith('server "gpu-a": WebSocket closed 1006')), 'a verbose line streamed');
    const seqs = streamed.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });
});
