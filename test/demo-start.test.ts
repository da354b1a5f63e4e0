import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleSettings } from '../src/shared/api';
import type { AuditPage } from '../src/shared/tasks';
import { demoLauncher } from '../src/demo/launcher';
import type { Harness } from './support/engine-harness';
import { startHarness } from './support/engine-harness';
import { until } from './support/until';

let h: Harness | null = null;
let closeDemo: (() => Promise<void>) | null = null;

afterEach(async () => {
  await closeDemo?.();
  closeDemo = null;
  await h?.close();
  h = null;
});

describe('demo.start (M3 from the console)', () => {
  it('M3: a host without a demo launcher answers unavailable, and settings say so', async () => {
    h = await startHarness();
    const r = await h.engine.call('demo.start', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(((await h.engine.call('settings.get', {})) as { ok: true; value: ConsoleSettings }).value.demo).toBe('unavailable');
  });

  it('M3: starts three simulated servers in the fleet, runs tasks on them, is audited and refuses a second start', async () => {
    const demo = demoLauncher(() => undefined);
    closeDemo = demo.close;
    h = await startHarness({ engine: { demo } });
    const settings = () => h!.call<ConsoleSettings>('settings.get', {});
    expect((await settings()).demo).toBe('available');

    const started = await h.call<{ servers: string[] }>('demo.start', {});
    expect(started.servers).toHaveLength(3);
    expect(h.engine.snapshot().servers.map((s) => s.name).sort()).toEqual([...started.servers].sort());
    expect((await settings()).demo).toBe('running');
    expect(await h.engine.call('demo.start', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The trickle of demo tasks reaches the servers and finishes.
    await until(() => (h!.engine.snapshot().counts?.succeeded ?? 0) >= 1, 'a demo task succeeded', 20_000);
    const audit = await h.call<AuditPage>('audit.list', {});
    expect(audit.items.some((e) => e.action === 'demo.start')).toBe(true);
  });
});
