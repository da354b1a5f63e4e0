import { afterEach, describe, expect, it } from 'vitest';
import type { DeltaBatch, ServerView } from '../src/shared/fleet';
import { Engine } from '../src/main/engine/engine';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { until } from './support/until';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(name: string): Promise<SimServer> {
  const s = await startSim({ name });
  cleanups.push(() => s.close());
  return s;
}

async function engineFor(servers: SimServer[]): Promise<Engine> {
  const engine = new Engine({
    servers: servers.map((s) => ({ name: s.name, url: s.url })),
    clientId: 'console-test',
    deltaIntervalMs: 5,
    backoff: { minDelayMs: 20, maxDelayMs: 200 },
    log: () => undefined,
  });
  cleanups.push(() => engine.dispose());
  await engine.ready;
  return engine;
}

const view = (engine: Engine, name: string): ServerView | undefined => engine.snapshot().servers.find((s) => s.name === name);

async function queue(server: SimServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: modelFreeWorkflow({ seed: i }) }) });
    expect(res.status).toBe(200);
  }
}

describe('live queue depth per server (first slice)', () => {
  it('F3: the engine holds exactly one WebSocket per server, with the clientId it owns', async () => {
    const [a, b] = [await sim('gpu-a'), await sim('gpu-b')];
    const engine = await engineFor([a, b]);
    await until(() => engine.snapshot().servers.every((s) => s.socket.state === 'open'), 'both sockets open');
    expect(a.wsClientCount()).toBe(1);
    expect(b.wsClientCount()).toBe(1);
    expect(view(engine, 'gpu-a')?.socket.clientId).toBe('console-test');
  });

  it('F3: queue depth follows status frames and the running/pending split follows GET /queue', async () => {
    const [a, b] = [await sim('gpu-a'), await sim('gpu-b')];
    const engine = await engineFor([a, b]);
    await until(() => view(engine, 'gpu-a')?.queue?.total === 0 && view(engine, 'gpu-b')?.queue?.total === 0, 'initial depth 0');

    a.pauseWorker();
    await queue(a, 4);
    await until(() => view(engine, 'gpu-a')?.queue?.pending === 4, 'gpu-a pending 4');
    expect(view(engine, 'gpu-a')?.queue).toMatchObject({ running: 0, pending: 4, total: 4 });
    expect(view(engine, 'gpu-b')?.queue).toMatchObject({ running: 0, pending: 0, total: 0 });

    a.resumeWorker();
    await until(() => a.executions().length === 4 && a.queueDepth().running + a.queueDepth().pending === 0, 'gpu-a drained');
    await until(() => view(engine, 'gpu-a')?.queue?.total === 0, 'engine sees gpu-a drained');
    expect(view(engine, 'gpu-a')?.queue).toMatchObject({ running: 0, pending: 0 });
  });

  it('F3, E3: a crashed server shows an abnormal close and comes back with the right depth when it returns', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    await until(() => view(engine, 'gpu-a')?.socket.state === 'open', 'open');
    a.inject({ kind: 'crash' });
    await until(() => view(engine, 'gpu-a')?.socket.lastClose?.kind === 'abnormal', 'abnormal close seen');
    expect(view(engine, 'gpu-a')?.socket.lastClose?.code).toBe(1006);
    expect(view(engine, 'gpu-a')?.socket.state).not.toBe('open');

    await a.lift('crash');
    a.pauseWorker();
    await until(() => view(engine, 'gpu-a')?.socket.state === 'open', 'reconnected', 20_000);
    await queue(a, 2);
    await until(() => view(engine, 'gpu-a')?.queue?.pending === 2, 'depth after recovery');
    expect(a.wsClientCount()).toBe(1);
    a.resumeWorker();
  });

  it('F1: servers can be added and removed through commands; a bad URL is refused with a clear error', async () => {
    const [a, b] = [await sim('gpu-a'), await sim('gpu-b')];
    const engine = await engineFor([a]);
    const batches: DeltaBatch[] = [];
    engine.onEvent((e) => {
      if (e.type === 'deltas') batches.push(e.batch);
    });

    const bad = await engine.call('servers.add', { url: 'gopher://gpu:70' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_url' } });
    const dup = await engine.call('servers.add', { url: `${a.url}/` });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const added = await engine.call('servers.add', { url: b.url, name: 'gpu-b' });
    expect(added.ok).toBe(true);
    await until(() => b.wsClientCount() === 1, 'socket to the added server');

    const id = view(engine, 'gpu-a')?.id ?? '';
    expect(await engine.call('servers.remove', { id })).toEqual({ ok: true, value: { id } });
    await until(() => a.wsClientCount() === 0, 'socket of the removed server closed');
    await until(() => batches.some((bt) => bt.deltas.some((d) => d.type === 'server.removed' && d.id === id)), 'removal delta');
    expect(await engine.call('servers.remove', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Batches are numbered without gaps so a renderer can tell when it missed one.
    expect(batches.map((bt) => bt.seq)).toEqual(batches.map((_, i) => batches[0]!.seq + i));
  });
});
