import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { modelFreeWorkflow } from '../src/index';
import { WorkGate, WsClient, historyOf, http, postJson, sleep, submit, until, useSims } from './helpers';

const start = useSims();

/** The errno of a failed fetch (undici wraps it in `cause`). */
async function fetchError(url: string, ms = 1000): Promise<string> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(ms) });
    return 'ok';
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return e.cause?.code ?? e.name;
  }
}

function tcpConnects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('fault injection', () => {
  it('fault crash: sockets die with 1006, connections are refused; lift listens again on the same port with empty queue and history', async () => {
    // The first job is held inside ImageInvert until the crash: it cannot finish first, however slow the machine.
    const gate = new WorkGate((at) => at.nodeClass === 'ImageInvert');
    const sim = await start({ workGate: gate.hook });
    const port = sim.port;
    const ws = await WsClient.connect(sim.url, 'c');
    await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), client_id: 'c' });
    await submit(sim, { prompt: modelFreeWorkflow({ seed: 2 }) });
    await until(() => sim.queueDepth().running === 1, 'running');

    await until(() => gate.reached.length === 1, 'ImageInvert running');
    sim.inject({ kind: 'crash' });
    expect((await ws.closed).code).toBe(1006);
    expect(await fetchError(`${sim.url}/queue`)).toBe('ECONNREFUSED');
    expect(await tcpConnects(port)).toBe(false);
    expect(sim.activeFaults()).toEqual([{ kind: 'crash' }]);
    expect(sim.executions().map((e) => e.outcome)).toEqual(['error']);

    await sim.lift('crash');
    expect(sim.port).toBe(port);
    expect((await http(`${sim.url}/queue`)).json()).toEqual({ queue_running: [], queue_pending: [] });
    expect((await http(`${sim.url}/history`)).json()).toEqual({});
    const again = await WsClient.connect(sim.url, 'c');
    const job = await submit(sim, { prompt: modelFreeWorkflow({ seed: 3, width: 4, height: 4 }), number: 0 });
    expect(job.number).toBe(0);
    await again.close();
  });

  it('fault hang: TCP is accepted but HTTP never answers and WebSocket upgrades never complete; lifting restores service', async () => {
    const sim = await start();
    sim.inject({ kind: 'hang' });
    expect(await tcpConnects(sim.port)).toBe(true);
    expect(await fetchError(`${sim.url}/system_stats`, 200)).toBe('TimeoutError');
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=h`);
    ws.on('error', () => undefined);
    let opened = false;
    ws.on('open', () => (opened = true));
    // Waiting longer can only make this more convincing: a slow machine cannot turn it into a failure.
    await sleep(200);
    expect(opened).toBe(false);
    await sim.lift('hang');
    expect((await http(`${sim.url}/system_stats`)).status).toBe(200);
    ws.terminate();
  });

  it('fault http500: matching routes answer 500 text/plain without running; other paths are unaffected', async () => {
    const sim = await start();
    sim.pauseWorker();
    sim.inject({ kind: 'http500', paths: ['/prompt'] });
    for (const url of [`${sim.url}/prompt`, `${sim.url}/api/prompt`]) {
      const res = await postJson(url, { prompt: modelFreeWorkflow() });
      expect([res.status, res.headers.get('content-type')]).toEqual([500, 'text/plain; charset=utf-8']);
      expect(res.text.startsWith('500 Internal Server Error')).toBe(true);
    }
    expect(sim.queueDepth().pending).toBe(0);
    expect((await http(`${sim.url}/queue`)).status).toBe(200);
    sim.inject({ kind: 'http500' });
    expect((await http(`${sim.url}/queue`)).status).toBe(500);
    await sim.lift('http500');
    expect((await http(`${sim.url}/queue`)).status).toBe(200);
  });

  it('fault slowBody: the correct body arrives, trickled at the given rate', async () => {
    const sim = await start();
    const normal = await http(`${sim.url}/object_info/EmptyImage`);
    const rate = 1000;
    sim.inject({ kind: 'slowBody', bytesPerSecond: rate, paths: ['/object_info'] });
    const t0 = Date.now();
    const slow = await http(`${sim.url}/object_info/EmptyImage`);
    const elapsed = Date.now() - t0;
    expect(slow.text).toBe(normal.text);
    expect(elapsed).toBeGreaterThanOrEqual((normal.body.length / rate) * 1000 * 0.7);
    // A route outside `paths` is not slowed. At 1 byte/s this body would need minutes; arriving
    // within the 10 s hang guard is unambiguous on any machine, where an upper bound of a few
    // hundred ms was not.
    sim.inject({ kind: 'slowBody', bytesPerSecond: 1, paths: ['/object_info'] });
    const stats = await http(`${sim.url}/system_stats`, { signal: AbortSignal.timeout(10_000) });
    expect(stats.status).toBe(200);
    expect(stats.body.length).toBeGreaterThan(100);
  });

  it('fault oversizedBody: JSON bodies are padded to the given size and still parse to the same value', async () => {
    const sim = await start();
    const normal = await http(`${sim.url}/queue`);
    sim.inject({ kind: 'oversizedBody', bytes: 2_000_000, paths: ['/queue'] });
    const big = await http(`${sim.url}/queue`);
    expect(big.headers.get('content-length')).toBe('2000000');
    expect(big.body.length).toBe(2_000_000);
    expect(JSON.parse(big.text)).toEqual(normal.json());
  });

  it('fault nonJson: matching routes answer 200 text/html instead of JSON', async () => {
    const sim = await start();
    sim.inject({ kind: 'nonJson', paths: ['/history'] });
    const res = await http(`${sim.url}/history`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(() => res.json()).toThrow();
    expect((await http(`${sim.url}/queue`)).json()).toEqual({ queue_running: [], queue_pending: [] });
  });

  it('fault stall: while a job runs no WebSocket frame is sent, yet the job finishes and history is written', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'c');
    sim.inject({ kind: 'stall' });
    const from = ws.frames.length;
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), client_id: 'c' });
    const entry = await historyOf(sim, prompt_id);
    expect((entry['status'] as { status_str: string }).status_str).toBe('success');
    // History is written before the terminal frame would go out; the pong follows anything sent.
    await ws.flush();
    // Only the put `status`, sent before the job started running.
    expect(ws.types(from)).toEqual(['status']);
    await sim.lift('stall');
    const next = await submit(sim, { prompt: modelFreeWorkflow({ seed: 2 }), client_id: 'c' });
    await ws.waitDone(next.prompt_id);
    await ws.close();
  });

  it('dropSockets: every WebSocket is terminated (clients see 1006) while the server keeps running', async () => {
    const sim = await start();
    const a = await WsClient.connect(sim.url, 'a');
    const b = await WsClient.connect(sim.url);
    sim.dropSockets(1006);
    expect([(await a.closed).code, (await b.closed).code]).toEqual([1006, 1006]);
    await until(() => sim.wsClientCount() === 0, 'no sockets');
    const c = await WsClient.connect(sim.url, 'a');
    expect(sim.wsClientCount()).toBe(1);
    await c.close();
  });

  it('faults combine: several kinds active at once, lifted one by one or all together', async () => {
    const sim = await start();
    sim.inject({ kind: 'nonJson', paths: ['/history'] });
    sim.inject({ kind: 'slowBody', bytesPerSecond: 100000 });
    sim.inject({ kind: 'nonJson', paths: ['/queue'] });
    expect(sim.activeFaults()).toEqual([
      { kind: 'nonJson', paths: ['/queue'] },
      { kind: 'slowBody', bytesPerSecond: 100000 },
    ]);
    expect((await http(`${sim.url}/queue`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    await sim.lift('nonJson');
    expect(sim.activeFaults()).toEqual([{ kind: 'slowBody', bytesPerSecond: 100000 }]);
    await sim.lift();
    expect(sim.activeFaults()).toEqual([]);
  });
});
