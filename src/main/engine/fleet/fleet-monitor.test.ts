import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { until } from '../../../../test/support/until';
import type { FleetDelta, ServerConfig } from '../../../shared/fleet';
import { ManualClock } from '../../../../harness/manual-clock';
import { EngineError } from '../core/engine-error';
import { createLogger } from '../core/logger';
import type { FleetMonitorDeps, ServerChange } from './fleet-monitor';
import { FleetMonitor } from './fleet-monitor';
import { InMemoryServerRegistry } from './server-registry';
import type { ProbeClient } from './server-monitor';

/** A probe client whose answers the test scripts; it counts the calls it gets. */
class ScriptedClient implements ProbeClient {
  calls = { queue: 0, stats: 0 };
  fail: string | null = null;
  depth = { running: 0, pending: 0 };

  async queue() {
    this.calls.queue++;
    if (this.fail) throw new Error(this.fail);
    return { running: Array(this.depth.running).fill(0), pending: Array(this.depth.pending).fill(0) };
  }

  async systemStats() {
    this.calls.stats++;
    if (this.fail) throw new Error(this.fail);
    return { comfyuiVersion: '0.3.64', ramTotal: 1, ramFree: 1, devices: [{ name: 'cuda:0 Test GPU', vramTotal: 8, vramFree: 4 }] };
  }
}

// Nothing listens on port 9: sockets fail at once and their retries wait on the manual clock.
const DEAD = 'http://127.0.0.1:9';

// A WebSocket endpoint that accepts the console and greets it like ComfyUI, for tests where the
// socket must be up (HTTP answers come from the scripted client).
let wss: WebSocketServer;
let LIVE = '';
beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'x' } })));
  LIVE = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
});

function setup(registry = new InMemoryServerRegistry()) {
  const clock = new ManualClock();
  const clients = new Map<string, ScriptedClient>();
  const lines: string[] = [];
  let n = 0;
  const deps: FleetMonitorDeps = {
    clock,
    random: () => 0.5,
    clientId: 'console-unit',
    newId: () => `srv-${++n}`,
    registry,
    createClient: (config: ServerConfig) => {
      const c = clients.get(config.url) ?? new ScriptedClient();
      clients.set(config.url, c);
      return c;
    },
    probe: { queueIntervalMs: 5_000, statsIntervalMs: 30_000, timeoutMs: 5_000, retryMs: 500 },
    log: createLogger((l) => lines.push(l)),
  };
  const fleet = new FleetMonitor(deps);
  const deltas: FleetDelta[] = [];
  fleet.onDelta((d) => deltas.push(d));
  return { fleet, clock, clients, registry, lines, deltas };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('fleet monitor: the registry (F1)', () => {
  it('F1: servers added, edited and removed are saved, and a new monitor loads them with the same ids', async () => {
    const { fleet, registry } = setup();
    const a = await fleet.add({ url: `${DEAD}/`, name: 'gpu-a', tags: ['sdxl', ' sdxl', 'a100'] });
    const b = await fleet.add({ url: 'http://127.0.0.1:10', maxInFlight: 3 });
    expect(a).toMatchObject({ id: 'srv-1', name: 'gpu-a', url: DEAD, enabled: true, drained: false, maxInFlight: 2, tags: ['a100', 'sdxl'] });
    expect(b.name).toBe('127.0.0.1:10');
    await fleet.update(b.id, { name: 'gpu-b', drained: true });
    await fleet.remove(a.id);
    expect((await registry.listServers()).map((s) => [s.id, s.name, s.drained, s.maxInFlight])).toEqual([['srv-2', 'gpu-b', true, 3]]);
    fleet.dispose();

    const again = setup(registry);
    await again.fleet.load([{ url: 'http://127.0.0.1:10', name: 'ignored: URL already saved' }, { url: 'http://127.0.0.1:11', name: 'gpu-c' }]);
    expect(again.fleet.list().map((s) => [s.id, s.name])).toEqual([
      ['srv-2', 'gpu-b'],
      ['srv-1', 'gpu-c'],
    ]);
    again.fleet.dispose();

    // A saved name given again with a new URL: the server moved, it is not a second server.
    const third = setup(registry);
    await third.fleet.load([{ url: 'http://127.0.0.1:12', name: 'gpu-b' }]);
    expect(third.fleet.list().map((s) => [s.id, s.name, s.url])).toEqual([
      ['srv-2', 'gpu-b', 'http://127.0.0.1:12'],
      ['srv-1', 'gpu-c', 'http://127.0.0.1:11'],
    ]);
    expect(third.lines).toContain('server "gpu-b" moved to http://127.0.0.1:12');
    third.fleet.dispose();
  });

  it('F1: a URL that is not http(s) is refused with a clear message and nothing is saved', async () => {
    const { fleet, registry } = setup();
    await expect(fleet.add({ url: 'ftp://10.0.0.5:8188' })).rejects.toThrow('"ftp://10.0.0.5:8188" uses ftp; a ComfyUI server URL must start with http:// or https://');
    await expect(fleet.add({ url: DEAD, maxInFlight: 0 })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await registry.listServers()).toEqual([]);
    fleet.dispose();
  });

  it('F1: two concurrent adds of one URL: one is added, the other is a conflict naming the first', async () => {
    const { fleet } = setup();
    const results = await Promise.allSettled([fleet.add({ url: DEAD, name: 'one' }), fleet.add({ url: `${DEAD}/`, name: 'two' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const err = (results[1] as PromiseRejectedResult).reason as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toBe(`server ${DEAD} is already in the fleet as "one"`);
    await expect(fleet.update('srv-9', { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    fleet.dispose();
  });

  it('F1: a disabled server is neither connected nor probed; enabling it starts from unknown', async () => {
    const { fleet, clock, clients } = setup();
    const a = await fleet.add({ url: LIVE, name: 'gpu-a' });
    await until(() => fleet.get(a.id)?.socket.state === 'open', 'socket open');
    const client = clients.get(LIVE);
    expect(client?.calls.stats).toBe(1);
    const probes = client?.calls.queue ?? 0;
    await fleet.update(a.id, { enabled: false });
    clock.advance(60_000);
    await flush();
    expect(client?.calls).toEqual({ queue: probes, stats: 1 });
    expect(fleet.get(a.id)).toMatchObject({ enabled: false, queue: null, health: { state: 'unknown', reason: 'disabled: not connected or probed' } });
    await fleet.update(a.id, { enabled: true });
    await until(() => fleet.get(a.id)?.health.state === 'healthy', 'healthy again');
    expect(client?.calls.queue).toBeGreaterThan(probes);
    fleet.dispose();
  });

  it('F1: a drained server keeps being watched; drain and undrain are logged', async () => {
    const { fleet, clock, clients, lines } = setup();
    const a = await fleet.add({ url: LIVE, name: 'gpu-a' });
    await until(() => fleet.get(a.id)?.socket.state === 'open' && fleet.get(a.id)?.health.state === 'healthy', 'open and healthy');
    await fleet.update(a.id, { drained: true });
    const before = clients.get(LIVE)?.calls.queue ?? 0;
    clock.advance(5_000);
    await flush();
    expect(clients.get(LIVE)?.calls.queue).toBeGreaterThan(before);
    expect(fleet.get(a.id)).toMatchObject({ drained: true, health: { state: 'healthy' } });
    await fleet.update(a.id, { drained: false });
    expect(lines).toContain('server "gpu-a": draining: no new tasks, current ones finish');
    expect(lines).toContain('server "gpu-a": no longer drained');
    fleet.dispose();
  });
});

describe('fleet monitor: probes (F2)', () => {
  it('F2: probes every interval; after a failure it confirms within retryMs, then unhealthy; one good probe restores it', async () => {
    const { fleet, clock, clients, lines } = setup();
    const a = await fleet.add({ url: LIVE, name: 'gpu-a' });
    await until(() => fleet.get(a.id)?.socket.state === 'open' && fleet.get(a.id)?.health.state === 'healthy', 'open and healthy');
    await flush();
    const client = clients.get(LIVE) as ScriptedClient;
    const base = client.calls.queue;
    client.fail = 'server "gpu-a" GET /queue: cannot connect';
    clock.advance(5_000);
    await flush();
    expect(fleet.get(a.id)?.health.state).toBe('degraded');
    clock.advance(500);
    await flush();
    expect(fleet.get(a.id)).toMatchObject({ health: { state: 'unhealthy', consecutiveFailures: 2 }, lastError: 'server "gpu-a" GET /queue: cannot connect' });
    expect(lines).toContain('server "gpu-a" is unhealthy: server "gpu-a" GET /queue: cannot connect (2 failed probes in a row)');
    // Once unhealthy, back to the regular interval (no hammering of a dead server).
    expect(client.calls.queue).toBe(base + 2);
    clock.advance(4_000);
    await flush();
    expect(client.calls.queue).toBe(base + 2);
    client.fail = null;
    clock.advance(1_000);
    await flush();
    expect(fleet.get(a.id)).toMatchObject({ health: { state: 'healthy' }, lastError: null });
    clock.advance(1_000);
    expect(lines.at(-1)).toBe('1/1 healthy, best gpu-a (q=0)');
    fleet.dispose();
  });

  it('F2, F5: depth and system stats from probes reach the view and its deltas', async () => {
    const { fleet, clients, deltas } = setup();
    clients.set(LIVE, Object.assign(new ScriptedClient(), { depth: { running: 1, pending: 2 } }));
    const a = await fleet.add({ url: LIVE, name: 'gpu-a' });
    await until(() => fleet.get(a.id)?.stats !== null && fleet.get(a.id)?.queue?.source === 'probe', 'probed');
    expect(fleet.get(a.id)).toMatchObject({
      queue: { running: 1, pending: 2, total: 3, source: 'probe' },
      stats: { comfyuiVersion: '0.3.64', deviceName: 'cuda:0 Test GPU', vramTotal: 8, vramFree: 4 },
    });
    const last = deltas.at(-1);
    expect(last?.type === 'server.upsert' && last.server.queue?.total).toBe(3);
    expect(fleet.series(a.id, '5m').points.at(-1)).toMatchObject({ total: 3, running: 1, pending: 2 });
    fleet.dispose();
  });
});

describe('fleet monitor: one client per server, and what wakes placement', () => {
  it('the probes and the tasks share one client per server; a new URL brings a new one', async () => {
    const { fleet, clients } = setup();
    const a = await fleet.add({ url: DEAD, name: 'gpu-a' });
    expect(fleet.clientFor(a.id)).toBe(clients.get(DEAD));
    await fleet.update(a.id, { url: 'http://127.0.0.1:10' });
    expect(fleet.clientFor(a.id)).toBe(clients.get('http://127.0.0.1:10'));
    await fleet.remove(a.id);
    expect(() => fleet.clientFor(a.id)).toThrow(`no server with id "${a.id}"; it may have been removed already`);
    fleet.dispose();
  });

  it('our in-flight count reaches the card but never wakes placement; a drain does, and a removal is told', async () => {
    const { fleet, deltas } = setup();
    const changes: ServerChange[] = [];
    const removed: string[] = [];
    fleet.onServerChange((c) => changes.push(c));
    fleet.onServerRemoved((id) => removed.push(id));
    const a = await fleet.add({ url: DEAD, name: 'gpu-a' });
    expect(changes[0]).toMatchObject({ known: false, server: { id: a.id } });
    const seen = changes.length;
    fleet.setInFlight(a.id, 2);
    expect(changes).toHaveLength(seen);
    expect(deltas.at(-1)).toMatchObject({ type: 'server.upsert', server: { id: a.id, inFlight: 2 } });
    expect(fleet.get(a.id)?.inFlight).toBe(2);
    await fleet.update(a.id, { drained: true });
    expect(changes.at(-1)).toMatchObject({ known: true, server: { id: a.id, drained: true, inFlight: 2 } });
    await fleet.remove(a.id);
    expect(removed).toEqual([a.id]);
    fleet.dispose();
  });
});
