import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Result } from '../../src/shared/api';
import type { BridgeServerFrame } from '../../src/shared/transport';
import type { HeadlessHost } from '../../src/headless/host';
import { startHeadlessHost } from '../../src/headless/host';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';
import { bridgeFrames, bridgeUpgrades } from './bridge-frames.corpus';

/**
 * E2: raw frames through the real headless bridge (startHeadlessHost with a real engine and a
 * SQLite ledger), from a `ws` client on 127.0.0.1. Each frame gets its documented answer and
 * the connection keeps serving calls; refused upgrades get their HTTP status.
 */

let h: Harness;
let host: HeadlessHost;
let rendererDir: string;
const logs: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  rendererDir = mkdtempSync(join(tmpdir(), 'cf-hostile-bridge-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ComfyFleet</title>');
  host = await startHeadlessHost({ engine: h.engine, host: '127.0.0.1', port: 0, rendererDir, token: null, log: (line) => logs.push(line) });
});

afterAll(async () => {
  await host?.close();
  await h?.close();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
});

interface Client {
  ws: WebSocket;
  results: Map<number, Result<unknown>>;
  closed: Promise<number>;
}

function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`);
    const results = new Map<number, Result<unknown>>();
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.on('message', (d: Buffer) => {
      const frame = JSON.parse(d.toString()) as BridgeServerFrame;
      if (frame.kind === 'result') results.set(frame.id, frame.result);
    });
    ws.once('open', () => resolve({ ws, results, closed }));
    ws.once('error', reject);
  });
}

/** Resolves with the HTTP status of a refused upgrade (101 if it was accepted). */
function upgrade(headers: Record<string, string>, path = '/bridge'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => undefined);
  });
}

let sentinel = 10_000;

/** A good call after the frame: once it is answered, every answer to the frame has arrived too. */
async function roundTrip(c: Client): Promise<void> {
  const id = ++sentinel;
  c.ws.send(JSON.stringify({ kind: 'call', id, name: 'tasks.counts', args: {} }));
  await until(() => c.results.has(id), `answer to sentinel call ${id}`);
  expect(c.results.get(id)).toMatchObject({ ok: true });
  c.results.delete(id);
}

describe('E2: hostile frames on the headless bridge', () => {
  it('E2: the corpus holds frames and upgrades of every documented kind', () => {
    expect(bridgeFrames.length + bridgeUpgrades.length).toBeGreaterThanOrEqual(20);
    expect(new Set(bridgeFrames.map((c) => c.verdict.kind))).toEqual(new Set(['error', 'dropped', 'closed', 'ok']));
  });

  it.each(bridgeFrames.map((c) => [c.name, c] as const))('E2: frame: %s', async (_name, c) => {
    const client = await connect();
    try {
      const logged = logs.length;
      const frame = c.frame();
      client.ws.send(frame, { binary: Buffer.isBuffer(frame) });
      const v = c.verdict;
      if (v.kind === 'closed') {
        expect(await client.closed).toBe(v.code);
        return;
      }
      await roundTrip(client);
      if (v.kind === 'dropped') {
        expect(client.results.size).toBe(0);
        expect(logs.slice(logged)).toContain(v.log);
      } else if (v.kind === 'ok') {
        expect(client.results.get(v.id)).toMatchObject({ ok: true });
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      } else {
        const r = client.results.get(v.id);
        expect(r?.ok, JSON.stringify(r)).toBe(false);
        if (r && !r.ok) {
          expect(r.error.code).toBe(v.code);
          for (const m of v.mentions) expect(r.error.message).toContain(m);
        }
        expect([...client.results.keys()]).toEqual([v.id]);
      }
      // Still the same connection, still serving.
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      client.ws.terminate();
    }
  });

  it.each(bridgeUpgrades.map((c) => [c.name, c] as const))('E2: upgrade refused: %s', async (_name, c) => {
    const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.replace('PORT', String(host.port))]));
    expect(await upgrade(headers, c.path)).toBe(c.status);
  });

  it('E2: a plain GET with a foreign Host is 421; the console itself still connects, with or without its own Origin', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect(await upgrade({})).toBe(101);
    expect(await upgrade({ origin: `http://127.0.0.1:${host.port}` })).toBe(101);
  });

  it('E2: after every hostile frame the bridge answers a batch of good calls on one connection', async () => {
    const client = await connect();
    for (const c of bridgeFrames.filter((f) => f.verdict.kind !== 'closed')) client.ws.send(c.frame());
    await roundTrip(client);
    await roundTrip(client);
    client.ws.close();
  });
});
