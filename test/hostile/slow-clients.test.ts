import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { startHeadlessHost } from '../../src/headless/host';
import { startRestApi } from '../../src/main/engine/host/rest-api';
import { AUTH, fakeEngine, ok, quiet, TOKEN } from '../support/rest-api-client';
import { until } from '../support/until';

/**
 * A1, E2: slow clients (slowloris) against both HTTP servers of the console — the task API and
 * the headless host — over real sockets on 127.0.0.1. A socket whose headers never complete is
 * cut within about the headers timeout (Node's default check interval of 30 s made a 10 s
 * timeout bite only after 25–30 s), and a flood of such sockets larger than the connection cap
 * never keeps a client that sends its request from being served at once.
 */

/** A server under test: its port, the path a well-behaved client asks for and the status it gets. */
interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  status: number;
  close(): Promise<void>;
}

type Start = (extra: { headersTimeoutMs?: number }) => Promise<Target>;

let rendererDir: string;
let engine: Engine;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'cf-slow-clients-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ComfyFleet</title>');
  engine = new Engine({ log: quiet });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(() => {
  engine?.dispose();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
});

const servers: [string, Start][] = [
  [
    'task API',
    async (extra) => {
      const api = await startRestApi({ engine: fakeEngine(() => ok([])), host: '127.0.0.1', port: 0, token: TOKEN, log: quiet, ...extra });
      return { port: api.port, path: '/v1/types', headers: AUTH, status: 200, close: () => api.close() };
    },
  ],
  [
    'headless host',
    async (extra) => {
      const host = await startHeadlessHost({ engine, host: '127.0.0.1', port: 0, rendererDir, token: null, log: quiet, ...extra });
      return { port: host.port, path: '/', headers: {}, status: 200, close: () => host.close() };
    },
  ],
];

async function start(make: Start, extra: { headersTimeoutMs?: number } = {}): Promise<Target> {
  const target = await make(extra);
  cleanups.push(() => target.close());
  return target;
}

interface SlowSocket {
  socket: Socket;
  /** When the server closed it (ms since connect) and what it said first. */
  closed: Promise<{ afterMs: number; said: string }>;
  isOpen(): boolean;
}

/**
 * Connects and sends the start of a request whose headers never end. `trickle` keeps adding a
 * header line every 200 ms (a bounded loop that stops when the socket closes), as slowloris does
 * to look alive.
 */
function slowSocket(port: number, trickle = false): Promise<SlowSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let said = '';
    let open = true;
    let connectedAt = 0;
    let timer: NodeJS.Timeout | null = null;
    socket.on('data', (d: Buffer) => (said += d.toString('latin1')));
    const closed = new Promise<{ afterMs: number; said: string }>((resolveClosed) => {
      socket.once('close', () => {
        open = false;
        if (timer) clearInterval(timer);
        resolveClosed({ afterMs: performance.now() - connectedAt, said });
      });
    });
    socket.on('error', () => undefined); // a reset is one of the ways a server closes
    socket.once('connect', () => {
      connectedAt = performance.now();
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
      if (trickle) {
        let n = 0;
        timer = setInterval(() => {
          if (!open || ++n > 200) {
            if (timer) clearInterval(timer);
            return;
          }
          socket.write(`X-Slow-${n}: 1\r\n`);
        }, 200);
      }
      resolve({ socket, closed, isOpen: () => open });
    });
    socket.once('error', reject);
  });
}

/** A well-behaved client: one whole request; resolves with its status and how long it took. */
function wellBehaved(t: Target): Promise<{ status: number; ms: number }> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.port, path: t.path, headers: t.headers, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - began }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (err) => reject(new Error(`the well-behaved client was not served: ${err.message}`)));
    req.end();
  });
}

describe.each(servers)('A1, E2: slow clients against the %s', (_name, make) => {
  it('E2: a socket whose headers never end is cut within about the headers timeout (1 s here), trickling or silent', async () => {
    const t = await start(make, { headersTimeoutMs: 1_000 });
    const trickling = await slowSocket(t.port, true);
    const silent = await slowSocket(t.port);
    // Guard, not a verdict on speed: before the fix these stayed open for 10–40 s.
    const deadline = new Promise<'still open'>((r) => setTimeout(() => r('still open'), 6_000).unref());
    for (const s of [trickling, silent]) {
      const closed = await Promise.race([s.closed, deadline]);
      if (closed === 'still open') {
        s.socket.destroy();
        throw new Error('a slow-header socket was still open 6 s after connecting; the headers timeout is 1 s');
      }
      expect(closed.afterMs).toBeGreaterThanOrEqual(800);
      console.log(`slow-header socket cut after ${Math.round(closed.afterMs)} ms (timeout 1000 ms)`);
      expect(closed.said).toMatch(/^HTTP\/1\.1 408 /);
    }
  });

  it('E2: 300 slow sockets (more than the cap of 256) never lock out a client that sends its request', async () => {
    const t = await start(make);
    const slow: SlowSocket[] = [];
    try {
      for (let i = 0; i < 300; i++) slow.push(await slowSocket(t.port));
      const served = await wellBehaved(t);
      expect(served.status).toBe(t.status);
      console.log(`well-behaved client served in ${Math.round(served.ms)} ms beside ${slow.filter((s) => s.isOpen()).length} slow sockets`);
      // Slow sockets hold at most three quarters of the cap; the longest-waiting ones made room.
      await until(() => slow.filter((s) => s.isOpen()).length <= 192, 'slow sockets down to 192 open', 10_000);
      // And again, while the flood keeps coming: each newcomer pushes out the longest-waiting slow one.
      for (let i = 0; i < 20; i++) slow.push(await slowSocket(t.port));
      expect((await wellBehaved(t)).status).toBe(t.status);
    } finally {
      for (const s of slow) s.socket.destroy();
    }
  });
});
