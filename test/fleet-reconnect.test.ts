import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../src/shared/fleet';
import { Engine } from '../src/main/engine/engine';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startFleet } from '../sim/src';
import { until } from './support/until';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function engineFor(servers: SimServer[]): Promise<Engine> {
  const engine = new Engine({
    servers: servers.map((s) => ({ name: s.name, url: s.url })),
    clientId: 'console-storm',
    deltaIntervalMs: 5,
    // Probes rarely, so the depth below has to come from the sockets' status frames.
    probe: { queueIntervalMs: 60_000, statsIntervalMs: 60_000 },
    backoff: { minDelayMs: 10, maxDelayMs: 120, minUptimeMs: 60_000 },
    log: () => undefined,
  });
  cleanups.push(() => engine.dispose());
  await engine.ready;
  return engine;
}

const byName = (engine: Engine, name: string): ServerView | undefined => engine.snapshot().servers.find((s) => s.name === name);
const simTotal = (s: SimServer) => s.queueDepth().running + s.queueDepth().pending;

async function post(server: SimServer, seed: number): Promise<void> {
  const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: modelFreeWorkflow({ seed }) }) });
  expect(res.status).toBe(200);
}

describe('reconnects under a storm of 1006 drops (F3)', () => {
  it('F3: dropped every few hundred ms, the session always comes back, never holds two live sockets, and its depth converges to the server’s', async () => {
    const [a] = (await startFleet({ count: 1 })) as [SimServer];
    cleanups.push(() => a.close());
    const engine = await engineFor([a]);
    await until(() => byName(engine, a.name)?.socket.state === 'open', 'first open');

    let maxLive = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxLive = Math.max(maxLive, a.wsClientCount());
        await sleep(2);
      }
    })();

    // Bounded: 20 drops, 150–400 ms apart, with the queue changing in between.
    a.pauseWorker();
    let seed = 0;
    let reopened = 0;
    for (let i = 0; i < 20; i++) {
      const droppedAt = Date.now();
      a.dropSockets();
      await post(a, seed++);
      if (i % 3 === 0) await post(a, seed++);
      if (i % 5 === 4) {
        a.resumeWorker();
        await sleep(30);
        a.pauseWorker();
      }
      await sleep(150 + ((i * 37) % 250));
      // Every drop is followed by a new connection (counted, not timed: a loaded machine only makes it later).
      await until(() => {
        const socket = byName(engine, a.name)?.socket;
        return socket?.state === 'open' && (socket.connectedAt ?? 0) >= droppedAt;
      }, `socket reopened after drop ${i + 1}`);
      reopened++;
    }
    sampling = false;
    await sampler;

    await until(() => byName(engine, a.name)?.socket.state === 'open', 'socket back after the storm', 15_000);
    await until(() => byName(engine, a.name)?.queue?.total === simTotal(a), `depth ${byName(engine, a.name)?.queue?.total} converges to ${simTotal(a)}`, 15_000);
    expect(maxLive).toBe(1);
    expect(a.wsClientCount()).toBe(1);
    expect(reopened).toBe(20);
    const socket = byName(engine, a.name)?.socket;
    expect(socket?.lastClose).toMatchObject({ code: 1006, kind: 'abnormal' });

    // After the storm, live frames keep the depth right as jobs finish: status frames were not lost.
    a.resumeWorker();
    await until(() => a.queueDepth().running + a.queueDepth().pending === 0, 'sim drained', 10_000);
    await until(() => byName(engine, a.name)?.queue?.total === 0, 'engine sees 0', 15_000);
  });
});

describe('a fleet of 50 servers in one process', () => {
  it('F3, F4: every server’s depth equals the simulator’s after a run, and every server has exactly one socket', async () => {
    const sims = await startFleet({ count: 50 });
    cleanups.push(() => Promise.all(sims.map((s) => s.close())));
    const engine = await engineFor(sims);
    await until(() => engine.snapshot().servers.length === 50 && engine.snapshot().servers.every((s) => s.socket.state === 'open'), 'all 50 sockets open', 15_000);

    // Each server gets its own number of jobs; half of them keep theirs queued.
    for (const [i, s] of sims.entries()) if (i % 2 === 0) s.pauseWorker();
    await Promise.all(sims.map(async (s, i) => {
      for (let k = 0; k < i % 5; k++) await post(s, i * 10 + k);
    }));
    await until(
      () => sims.every((s) => byName(engine, s.name)?.queue?.total === simTotal(s)),
      `all depths match: ${sims.filter((s) => byName(engine, s.name)?.queue?.total !== simTotal(s)).map((s) => `${s.name} ${byName(engine, s.name)?.queue?.total} vs ${simTotal(s)}`).join(', ')}`,
      15_000,
    );
    expect(sims.filter((s, i) => i % 2 === 0 && i % 5 > 0).every((s) => (byName(engine, s.name)?.queue?.total ?? 0) > 0)).toBe(true);
    for (const s of sims) s.resumeWorker();
    await until(() => sims.every((s) => simTotal(s) === 0 && byName(engine, s.name)?.queue?.total === 0), 'all drained and seen', 15_000);
    expect(sims.map((s) => s.wsClientCount())).toEqual(sims.map(() => 1));
  }, 60_000);
});
