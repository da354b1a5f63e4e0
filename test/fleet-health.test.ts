import { afterEach, describe, expect, it } from 'vitest';
import type { HealthState, ServerView } from '../src/shared/fleet';
import type { EngineOptions } from '../src/main/engine/engine';
import { Engine } from '../src/main/engine/engine';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { until } from './support/until';

/**
 * Every fault the simulator can inject, over real sockets: the health state and the error it
 * produces, within the time F2/F6 allow, and recovery once the fault is lifted.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(name: string, options: Parameters<typeof startSim>[0] = {}): Promise<SimServer> {
  const s = await startSim({ name, ...options });
  cleanups.push(() => s.close());
  return s;
}

/** Fast probes so a test takes about a second; the crash test uses the production defaults. */
const FAST: EngineOptions = {
  probe: { queueIntervalMs: 150, statsIntervalMs: 400, timeoutMs: 400, retryMs: 100 },
  health: { slowProbeMs: 150 },
  backoff: { minDelayMs: 20, maxDelayMs: 150 },
};

async function engineFor(servers: SimServer[], options: EngineOptions = FAST): Promise<Engine> {
  const engine = new Engine({
    servers: servers.map((s) => ({ name: s.name, url: s.url })),
    clientId: 'console-health',
    deltaIntervalMs: 5,
    log: () => undefined,
    ...options,
  });
  cleanups.push(() => engine.dispose());
  await engine.ready;
  return engine;
}

const view = (engine: Engine, name: string): ServerView => {
  const v = engine.snapshot().servers.find((s) => s.name === name);
  if (!v) throw new Error(`no server ${name}`);
  return v;
};

async function reach(engine: Engine, name: string, state: HealthState, ms = 5_000): Promise<ServerView> {
  await until(() => view(engine, name).health.state === state, `${name} ${state} (is ${view(engine, name).health.state}: ${view(engine, name).health.reason})`, ms);
  return view(engine, name);
}

async function submit(server: SimServer, n: number, seed = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: modelFreeWorkflow({ seed: seed + i }) }) });
    expect(res.status).toBe(200);
  }
}

describe('fleet health against injected faults (F2, F6, E3)', () => {
  it('F2, F5: a working server becomes healthy and shows its system stats', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    const v = await reach(engine, 'gpu-a', 'healthy');
    await until(() => view(engine, 'gpu-a').stats !== null, 'system stats');
    expect(view(engine, 'gpu-a').stats).toMatchObject({ comfyuiVersion: '0.3.64', deviceName: expect.any(String), vramTotal: expect.any(Number) });
    expect(v.lastError).toBeNull();
  });

  it('F6: a crashed server is unhealthy within 2 s of its socket closing abnormally, with the production defaults; healthy again after restart', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a], { backoff: { minDelayMs: 50, maxDelayMs: 200 } });
    await reach(engine, 'gpu-a', 'healthy');
    await until(() => view(engine, 'gpu-a').socket.state === 'open', 'socket open');
    a.inject({ kind: 'crash' });
    await until(() => view(engine, 'gpu-a').socket.lastClose?.kind === 'abnormal', 'socket closed 1006', 1_000);
    // F6 bounds the detection: 2 s from the abnormal close, not the next 5 s poll.
    const dead = await reach(engine, 'gpu-a', 'unhealthy', 2_000);
    expect(dead.lastError).toMatch(/^server "gpu-a" GET \/(queue|system_stats): cannot connect/);
    expect(dead.health.reason).toContain('2 failed probes in a row');
    await a.lift('crash');
    await reach(engine, 'gpu-a', 'healthy', 8_000);
    expect(view(engine, 'gpu-a').lastError).toBeNull();
  });

  it('F2: a hung server (TCP accepted, no answer) is unhealthy after two probe timeouts, and recovers', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    await reach(engine, 'gpu-a', 'healthy');
    a.inject({ kind: 'hang' });
    const v = await reach(engine, 'gpu-a', 'unhealthy');
    expect(v.lastError).toMatch(/^server "gpu-a" GET \/(queue|system_stats): .*400 ms/);
    await a.lift('hang');
    await reach(engine, 'gpu-a', 'healthy');
  });

  it('E3: HTTP 500 answers make the server unhealthy with the status in the error', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    await reach(engine, 'gpu-a', 'healthy');
    a.inject({ kind: 'http500', paths: ['/queue', '/system_stats'] });
    const v = await reach(engine, 'gpu-a', 'unhealthy');
    expect(v.lastError).toMatch(/^server "gpu-a" GET \/(queue|system_stats): .*HTTP 500/);
    await a.lift('http500');
    await reach(engine, 'gpu-a', 'healthy');
  });

  it('E3: an HTML page instead of JSON makes the server unhealthy naming the content type', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    await reach(engine, 'gpu-a', 'healthy');
    a.inject({ kind: 'nonJson' });
    const v = await reach(engine, 'gpu-a', 'unhealthy');
    expect(v.lastError).toMatch(/^server "gpu-a" GET \/(queue|system_stats): .*text\/html/);
    await a.lift('nonJson');
    await reach(engine, 'gpu-a', 'healthy');
  });

  it('F2: slow answers within the timeout make the server degraded; past the timeout, unhealthy', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a]);
    await reach(engine, 'gpu-a', 'healthy');
    // The empty /queue answer is ~45 bytes: at 150 B/s it takes ~300 ms, over the 150 ms slow mark, under the 400 ms timeout.
    a.inject({ kind: 'slowBody', bytesPerSecond: 150, paths: ['/queue'] });
    const slow = await reach(engine, 'gpu-a', 'degraded');
    expect(slow.health.reason).toMatch(/^slow: GET \/queue took \d+ ms \(limit 150 ms\)$/);
    a.inject({ kind: 'slowBody', bytesPerSecond: 20, paths: ['/queue'] });
    const v = await reach(engine, 'gpu-a', 'unhealthy');
    expect(v.lastError).toMatch(/^server "gpu-a" GET \/queue: .*400 ms/);
    await a.lift('slowBody');
    await reach(engine, 'gpu-a', 'healthy');
  });

  it('E3: an oversized answer is cut off at the size cap and counts as a failed probe', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a], { ...FAST, probe: { ...FAST.probe, timeoutMs: 3_000 } });
    await reach(engine, 'gpu-a', 'healthy');
    a.inject({ kind: 'oversizedBody', bytes: 80 * 1024 * 1024, paths: ['/queue'] });
    const v = await reach(engine, 'gpu-a', 'unhealthy', 10_000);
    expect(v.lastError).toMatch(/^server "gpu-a" GET \/queue: .*exceeds the \d+-byte limit/);
    await a.lift('oversizedBody');
    await reach(engine, 'gpu-a', 'healthy');
  });

  it('F2: a dropped WebSocket (1006) on a server that still answers HTTP is degraded until the socket is back', async () => {
    const a = await sim('gpu-a');
    const engine = await engineFor([a], { ...FAST, backoff: { minDelayMs: 400, maxDelayMs: 600 } });
    await reach(engine, 'gpu-a', 'healthy');
    await until(() => view(engine, 'gpu-a').socket.state === 'open', 'socket open');
    a.dropSockets();
    const v = await reach(engine, 'gpu-a', 'degraded', 1_000);
    expect(v.health.reason).toBe('HTTP answers but the WebSocket is down (closed 1006 (abnormal))');
    await reach(engine, 'gpu-a', 'healthy');
    expect(a.wsClientCount()).toBe(1);
  });

  it('F2: a stalled socket (open, but silent while the queue moves) is degraded and depth comes from probes; frames clear it', async () => {
    // A 4 s job, so the stall (which silences frames while a job runs) lasts long enough to see.
    const a = await sim('gpu-a', { durations: { EmptyImage: 4_000 } });
    const engine = await engineFor([a]);
    await reach(engine, 'gpu-a', 'healthy');
    await until(() => view(engine, 'gpu-a').queue?.total === 0, 'depth 0');
    a.inject({ kind: 'stall' });
    await submit(a, 1, 100);
    await until(() => a.queueDepth().running === 1, 'job running');
    await submit(a, 3, 200);
    const v = await reach(engine, 'gpu-a', 'degraded');
    expect(v.health.reason).toContain('silent');
    expect(view(engine, 'gpu-a').queue).toMatchObject({ total: 4, source: 'probe' });
    await a.lift('stall');
    const post = (path: string, body: unknown) => fetch(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post('/queue', { clear: true });
    await post('/interrupt', {});
    await reach(engine, 'gpu-a', 'healthy');
    await until(() => view(engine, 'gpu-a').queue?.total === 0, 'queue emptied and seen');
  });
});
