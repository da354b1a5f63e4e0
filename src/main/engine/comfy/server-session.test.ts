import { once } from 'node:events';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { SocketView } from '../../../shared/fleet';
import { systemClock } from '../core/clock';
import { until } from '../../../../test/support/until';
import { startSim, txt2imgWorkflow } from '../../../../sim/src';
import { ServerSession, wsUrl } from './server-session';

const fast = { minDelayMs: 10, maxDelayMs: 40, connectTimeoutMs: 300, minUptimeMs: 10_000 };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wsServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const live = new Set<WebSocket>();
  let maxLive = 0;
  const paths: string[] = [];
  wss.on('connection', (ws, req) => {
    paths.push(req.url ?? '');
    live.add(ws);
    maxLive = Math.max(maxLive, live.size);
    ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'x' } }));
    ws.on('close', () => live.delete(ws));
  });
  cleanups.push(() => new Promise((r) => wss.close(r)));
  cleanups.push(() => wss.clients.forEach((c) => c.terminate()));
  return { wss, live, paths, maxLive: () => maxLive, url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

function session(url: string, clientId = 'console-1') {
  const s = new ServerSession({ serverName: 'gpu-test', baseUrl: url, clientId, clock: systemClock, random: Math.random, backoff: fast });
  const states: SocketView[] = [];
  s.onState((v) => states.push(v));
  cleanups.push(() => s.dispose());
  return { s, states };
}

describe('server session (one WebSocket per server)', () => {
  it('F3: connects to /ws with the clientId the console owns', async () => {
    const srv = await wsServer();
    const { s, states } = session(srv.url, 'console-abc');
    s.start();
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
    expect(srv.paths).toEqual(['/ws?clientId=console-abc']);
    expect(states.map((v) => v.state)).toEqual(['connecting', 'open']);
    expect(wsUrl('https://h:1/base/', 'a b')).toBe('wss://h:1/base/ws?clientId=a%20b');
  });

  it('F3: an abrupt drop is classified 1006 abnormal and followed by a reconnect, never two live sockets', async () => {
    const srv = await wsServer();
    const { s } = session(srv.url);
    s.start();
    for (let i = 0; i < 15; i++) {
      await until(() => s.state.state === 'open' && srv.live.size === 1, `s.state.state === 'open' && srv.live.size === 1`);
      for (const ws of srv.live) ws.terminate();
      await until(() => s.state.state !== 'open', `s.state.state !== 'open'`);
      expect(s.state.lastClose?.code).toBe(1006);
      expect(s.state.lastClose?.kind).toBe('abnormal');
    }
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
    expect(srv.maxLive()).toBe(1);
    expect(s.counters.connects).toBe(16);
    // minUptime was never reached between drops, so the attempt counter (and the backoff) kept growing.
    expect(s.state.reconnectAttempt).toBe(15);
  });

  it.each([
    [1000, 'normal'],
    [1001, 'going_away'],
    [1011, 'server_error'],
    [4001, 'other'],
  ])('F3: close code %i is classified %s and its reason kept', async (code, kind) => {
    const srv = await wsServer();
    const { s } = session(srv.url);
    s.start();
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
    for (const ws of srv.live) ws.close(code, 'bye now');
    await until(() => s.state.lastClose !== null, 's.state.lastClose !== null');
    expect(s.state.lastClose).toMatchObject({ code, kind, reason: 'bye now' });
    expect(s.state.nextAttemptAt).not.toBeNull();
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
  });

  it('F3: a server that accepts TCP but never completes the handshake is timed out and retried', async () => {
    const sockets = new Set<Socket>();
    const hang: NetServer = createNetServer((sock) => sockets.add(sock));
    hang.listen(0, '127.0.0.1');
    await once(hang, 'listening');
    cleanups.push(() => new Promise((r) => hang.close(r)));
    cleanups.push(() => sockets.forEach((x) => x.destroy()));
    const { s, states } = session(`http://127.0.0.1:${(hang.address() as AddressInfo).port}`);
    const started = Date.now();
    s.start();
    await until(() => s.state.lastClose !== null, 's.state.lastClose !== null');
    expect(Date.now() - started).toBeGreaterThanOrEqual(fast.connectTimeoutMs - 20);
    expect(s.state.lastClose).toMatchObject({ code: 1006, kind: 'abnormal', reason: 'connection failed' });
    await until(() => states.filter((v) => v.state === 'connecting').length >= 2, `states.filter((v) => v.state === 'connecting').length >= 2`);
  });

  it('F3: a connection that stays up for minUptime resets the backoff', async () => {
    const srv = await wsServer();
    const s = new ServerSession({ serverName: 'gpu-test', baseUrl: srv.url, clientId: 'c', clock: systemClock, random: Math.random, backoff: { ...fast, minUptimeMs: 150 } });
    cleanups.push(() => s.dispose());
    s.start();
    for (let i = 0; i < 3; i++) {
      await until(() => s.state.state === 'open' && srv.live.size === 1, `s.state.state === 'open' && srv.live.size === 1`);
      for (const ws of srv.live) ws.terminate();
      await until(() => s.state.state !== 'open', `s.state.state !== 'open'`);
    }
    expect(s.state.reconnectAttempt).toBe(3);
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
    await until(() => s.state.reconnectAttempt === 0, 's.state.reconnectAttempt === 0');
  });

  it('F3: a refused connection backs off and connects once the server is there', async () => {
    const probe = createNetServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { s } = session(`http://127.0.0.1:${port}`);
    s.start();
    await until(() => s.state.reconnectAttempt >= 3, 's.state.reconnectAttempt >= 3');
    const wss = new WebSocketServer({ port, host: '127.0.0.1' });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    cleanups.push(() => wss.clients.forEach((c) => c.terminate()));
    await until(() => s.state.state === 'open', `s.state.state === 'open'`);
  });

  it('unknown frame types are counted and ignored; invalid ones are reported with the server name', async () => {
    const srv = await wsServer();
    const { s } = session(srv.url);
    const invalid: string[] = [];
    const frames: string[] = [];
    s.onInvalidFrame((m) => invalid.push(m));
    s.onFrame((f) => frames.push(f.type));
    s.start();
    await until(() => s.state.state === 'open' && srv.live.size === 1, `s.state.state === 'open' && srv.live.size === 1`);
    const [ws] = srv.live;
    ws?.send('{"type":"crystools.monitor","data":{}}');
    ws?.send('{"type":"status","data":{}}');
    ws?.send('not json');
    ws?.send(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0x89, 0x50, 0x4e, 0x47]));
    ws?.send('{"type":"status","data":{"status":{"exec_info":{"queue_remaining":2}}}}');
    await until(() => frames.length === 2, 'frames.length === 2');
    expect(s.counters).toMatchObject({ unknownFrames: 1, invalidFrames: 2, binaryFrames: 1 });
    expect(invalid[0]).toMatch(/^server "gpu-test" sent an invalid WebSocket frame/);
    expect(s.state.state).toBe('open');
  });

  it('F3: binary frames are parsed: previews and texts are emitted, unknown event types counted, broken ones reported', async () => {
    const srv = await wsServer();
    const { s } = session(srv.url);
    const binary: string[] = [];
    const invalid: string[] = [];
    s.onBinaryFrame((f) => binary.push(f.kind === 'preview' ? `preview ${f.mimeType} ${f.image.byteLength}` : `text ${f.nodeId} ${f.text}`));
    s.onInvalidFrame((m) => invalid.push(m));
    s.start();
    await until(() => srv.live.size === 1 && s.state.state === 'open', 'open');
    const [ws] = srv.live;
    const u32 = (n: number) => Buffer.from([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    ws?.send(Buffer.concat([u32(1), u32(1), Buffer.from([0xff, 0xd8, 0xff])]));
    ws?.send(Buffer.concat([u32(3), u32(2), Buffer.from('12'), Buffer.from('step 3/20')]));
    ws?.send(Buffer.concat([u32(9), u32(0)]));
    ws?.send(Buffer.concat([u32(4), u32(9999), Buffer.from('{}')]));
    await until(() => binary.length === 2 && invalid.length === 1, 'two frames emitted, one reported');
    expect(binary).toEqual(['preview image/jpeg 3', 'text 12 step 3/20']);
    expect(invalid[0]).toMatch(/^server "gpu-test" sent an invalid binary frame: /);
    expect(s.counters).toMatchObject({ binaryFrames: 4, unknownFrames: 1, invalidFrames: 1 });
  });

  it('F3: the console announces preview metadata as its first message, so a real server tags previews with the prompt', async () => {
    const sim = await startSim({ latentPreviews: true, durations: { KSampler: 5 } });
    cleanups.push(() => sim.close());
    const { s } = session(sim.url, 'console-previews');
    const previews: (string | null)[] = [];
    s.onBinaryFrame((f) => {
      if (f.kind === 'preview') previews.push(f.metadata?.promptId ?? null);
    });
    s.start();
    await until(() => s.state.state === 'open', 'open');
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${sim.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: txt2imgWorkflow({ steps: 3, seed: 7 }), client_id: 'console-previews', prompt_id: 'p-previews' }),
    });
    expect(res.status).toBe(200);
    await until(() => previews.length === 3, `3 previews (got ${previews.length})`);
    expect(previews).toEqual(['p-previews', 'p-previews', 'p-previews']);
  });

  it('dispose closes the socket with 1000 and stops reconnecting', async () => {
    const srv = await wsServer();
    const { s } = session(srv.url);
    s.start();
    await until(() => srv.live.size === 1, 'srv.live.size === 1');
    s.dispose();
    s.dispose();
    await until(() => srv.live.size === 0, 'srv.live.size === 0');
    await new Promise((r) => setTimeout(r, 100));
    expect(srv.paths).toHaveLength(1);
  });
});
