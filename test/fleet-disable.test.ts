import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../src/shared/fleet';
import { Engine } from '../src/main/engine/engine';
import type { SimServer } from '../sim/src';
import { startFleet } from '../sim/src';
import { until } from './support/until';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const byName = (engine: Engine, name: string): ServerView | undefined => engine.snapshot().servers.find((s) => s.name === name);

describe('a disabled server (issue 19, item 7)', () => {
  it('shows its socket closed, with no connection time and no retry, and opens again when enabled', async () => {
    const [a] = (await startFleet({ count: 1 })) as [SimServer];
    cleanups.push(() => a.close());
    const engine = new Engine({
      servers: [{ name: a.name, url: a.url }],
      clientId: 'console-disable',
      deltaIntervalMs: 5,
      probe: { queueIntervalMs: 60_000, statsIntervalMs: 60_000 },
      backoff: { minDelayMs: 10, maxDelayMs: 120, minUptimeMs: 60_000 },
      log: () => undefined,
    });
    cleanups.push(() => engine.dispose());
    await engine.ready;
    await until(() => byName(engine, a.name)?.socket.state === 'open', 'first open');
    const id = byName(engine, a.name)!.id;

    expect(await engine.call('servers.update', { id, enabled: false })).toMatchObject({ ok: true });
    await until(() => a.wsClientCount() === 0, 'the simulator sees the socket go');
    const view = byName(engine, a.name)!;
    expect(view.enabled).toBe(false);
    expect(view.socket).toMatchObject({ state: 'closed', connectedAt: null, reconnectAttempt: 0, nextAttemptAt: null });

    expect(await engine.call('servers.update', { id, enabled: true })).toMatchObject({ ok: true });
    await until(() => byName(engine, a.name)?.socket.state === 'open', 'open again after enabling');
    expect(byName(engine, a.name)!.socket.connectedAt).not.toBeNull();
  });
});
