import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BridgeServerFrame } from '../src/shared/transport';
import { Engine } from '../src/main/engine/engine';
import type { HeadlessHost } from '../src/headless/host';
import { startHeadlessHost } from '../src/headless/host';
import { until } from './support/until';

let dir: string;
let engine: Engine;
let host: HeadlessHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-host-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ComfyFleet</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  engine = new Engine({ log: () => undefined, deltaIntervalMs: 5 });
  host = await startHeadlessHost({ engine, host: '127.0.0.1', port: 0, rendererDir: dir, token: null, log: () => undefined });
});

afterAll(async () => {
  await host.close();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(headers: Record<string, string> = {}, path = '/bridge'): Promise<{ ws: WebSocket; first: BridgeServerFrame } | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.once('message', (d) => resolve({ ws, first: JSON.parse(d.toString()) as BridgeServerFrame }));
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('error', () => undefined);
  });
}

describe('headless host (M2, E2)', () => {
  it('M2: serves the built renderer with a CSP header, and index.html for unknown paths', async () => {
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(root.body).toContain('<title>ComfyFleet</title>');
    expect(String(root.headers['content-security-policy'])).toContain("default-src 'self'");
    expect((await get('/app.js')).headers['content-type']).toContain('text/javascript');
    expect((await get('/tasks/123')).body).toContain('<title>ComfyFleet</title>');
  });

  it('E2: no path escapes the renderer folder', async () => {
    for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const r = await get(p);
      expect(r.body).not.toContain('root:');
    }
  });

  it('E2: a foreign Host (DNS rebinding) is refused', async () => {
    expect((await get('/', { host: 'evil.example:80' })).status).toBe(421);
    expect(await connect({ host: 'evil.example' })).toEqual({ refused: 403 });
  });

  it('E2: the bridge refuses a browser Origin other than the console itself', async () => {
    expect(await connect({ origin: 'http://evil.example' })).toEqual({ refused: 403 });
    expect(await connect({ origin: 'null' })).toEqual({ refused: 403 });
    const ok = await connect({ origin: `http://127.0.0.1:${host.port}` });
    expect('ws' in ok).toBe(true);
    if ('ws' in ok) ok.ws.close();
  });

  it('M2: a bridge client gets a snapshot first, then answers to calls; bad frames get typed errors', async () => {
    const c = await connect();
    if (!('ws' in c)) throw new Error(`refused ${c.refused}`);
    expect(c.first).toMatchObject({ kind: 'event', event: { type: 'snapshot', snapshot: { servers: [] } } });
    const answers: BridgeServerFrame[] = [];
    c.ws.on('message', (d) => answers.push(JSON.parse(d.toString()) as BridgeServerFrame));
    c.ws.send(JSON.stringify({ kind: 'call', id: 1, name: 'servers.add', args: { url: 'ftp://x' } }));
    c.ws.send(JSON.stringify({ kind: 'call', id: 2, name: 'no.such', args: {} }));
    c.ws.send(JSON.stringify({ kind: 'cast', id: 3 }));
    c.ws.send('not json at all');
    c.ws.send(JSON.stringify({ kind: 'call', id: 4, name: 'fleet.snapshot', args: {} }));
    await until(() => answers.filter((a) => a.kind === 'result').length >= 4, 'four answers on the bridge', 15_000);
    const results = Object.fromEntries(answers.flatMap((a) => (a.kind === 'result' ? [[a.id, a.result]] : [])));
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid_url' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(results[4]).toMatchObject({ ok: true, value: { servers: [] } });
    c.ws.close();
  });

  it('E2: binding beyond loopback without a token is refused; with a token the bridge demands it', async () => {
    await expect(startHeadlessHost({ engine, host: '0.0.0.0', port: 0, rendererDir: dir, token: null, log: () => undefined })).rejects.toThrow(/give --token/);
    const guarded = await startHeadlessHost({ engine, host: '127.0.0.1', port: 0, rendererDir: dir, token: 's3cret', log: () => undefined });
    try {
      expect(guarded.url).toMatch(/#token=s3cret$/);
      const attempt = (q: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${guarded.port}/bridge${q}`);
          ws.once('open', () => {
            ws.close();
            resolve(101);
          });
          ws.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0));
          ws.once('error', () => undefined);
        });
      expect(await attempt('')).toBe(401);
      expect(await attempt('?token=wrong!')).toBe(401);
      expect(await attempt('?token=s3cret')).toBe(101);
    } finally {
      await guarded.close();
    }
  });
});
