import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BridgeServerFrame } from '../../src/shared/transport';
import { Engine } from '../../src/main/engine/engine';
import type { HeadlessHost } from '../../src/headless/host';
import { startHeadlessHost } from '../../src/headless/host';
import { ManualClock } from '../../harness/manual-clock';
import { until } from '../support/until';

/**
 * E2: a bridge client that floods frames the bridge can only drop (no id to answer) must not
 * write a log line per frame — a probe wrote 36 700 lines in 5 s. Real `ws` clients on
 * 127.0.0.1 against the real headless host; the limiter's time is a manual clock, so the
 * counts do not depend on how fast this machine is.
 */

const INTERVAL_MS = 10_000;
const NOT_JSON = 'bridge: dropped a frame that is not JSON';
const NOT_A_CALL = 'bridge: dropped a frame that is not a call';

let engine: Engine;
let host: HeadlessHost;
let rendererDir: string;
const clock = new ManualClock();
const logs: string[] = [];

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'cf-bridge-flood-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ComfyFleet</title>');
  engine = new Engine({ log: () => undefined });
  host = await startHeadlessHost({ engine, host: '127.0.0.1', port: 0, rendererDir, token: null, log: (line) => logs.push(line), clock, warnIntervalMs: INTERVAL_MS });
});

afterAll(async () => {
  await host?.close();
  engine?.dispose();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
});

interface Client {
  ws: WebSocket;
  /** Sends a good call and waits for its answer: every frame sent before it has been handled. */
  roundTrip(): Promise<void>;
}

let nextId = 1;

function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`);
    const answered = new Set<number>();
    ws.on('message', (d: Buffer) => {
      const frame = JSON.parse(d.toString()) as BridgeServerFrame;
      if (frame.kind === 'result') answered.add(frame.id);
    });
    ws.once('open', () =>
      resolve({
        ws,
        roundTrip: async () => {
          const id = nextId++;
          ws.send(JSON.stringify({ kind: 'call', id, name: 'fleet.snapshot', args: {} }));
          await until(() => answered.has(id), `answer to call ${id}`, 30_000);
        },
      }),
    );
    ws.once('error', reject);
  });
}

const count = (line: string, from = 0) => logs.slice(from).filter((l) => l === line).length;
const summaries = (from = 0) => logs.slice(from).filter((l) => l.includes(' more time'));

describe('E2: a flood of undroppable frames costs a bounded number of log lines', () => {
  it('E2: 5 000 non-JSON and 3 000 non-call frames on one connection log one line per cause, then one summary per interval', async () => {
    const start = logs.length;
    const c = await connect();
    try {
      for (let i = 0; i < 5_000; i++) c.ws.send(`garbage ${i} {`);
      for (let i = 0; i < 3_000; i++) c.ws.send('null');
      await c.roundTrip();
      // Before the fix: 8 000 lines.
      expect(logs.length - start, logs.slice(start, start + 5).join('\n')).toBe(2);
      expect(count(NOT_JSON, start)).toBe(1);
      expect(count(NOT_A_CALL, start)).toBe(1);

      // One interval on: one summary per cause, with the count of what was not logged.
      clock.advance(INTERVAL_MS);
      expect(summaries(start)).toEqual([
        `${NOT_JSON} — 4999 more times in the last 10 s (repeats are logged once per 10 s)`,
        `${NOT_A_CALL} — 2999 more times in the last 10 s (repeats are logged once per 10 s)`,
      ]);

      // The flood goes on: still no line per frame, one summary at the next interval.
      const mid = logs.length;
      for (let i = 0; i < 1_000; i++) c.ws.send('still not json');
      await c.roundTrip();
      expect(logs.length).toBe(mid);
      clock.advance(INTERVAL_MS);
      expect(logs.slice(mid)).toEqual([`${NOT_JSON} — 1000 more times in the last 10 s (repeats are logged once per 10 s)`]);

      // Quiet for an interval: the next one is news again and is logged at once.
      clock.advance(INTERVAL_MS);
      const quiet = logs.length;
      c.ws.send('once more');
      await c.roundTrip();
      expect(logs.slice(quiet)).toEqual([NOT_JSON]);
    } finally {
      c.ws.terminate();
    }
  });

  it('E2: each connection has its own limit, and what was still counted is logged when it closes', async () => {
    const a = await connect();
    const b = await connect();
    const start = logs.length;
    for (let i = 0; i < 500; i++) a.ws.send('junk from a');
    await a.roundTrip();
    b.ws.send('junk from b');
    await b.roundTrip();
    // b's first warning is not hidden by a's flood.
    expect(count(NOT_JSON, start)).toBe(2);
    const closed = new Promise((r) => a.ws.once('close', r));
    a.ws.close();
    await closed;
    await until(() => summaries(start).length === 1, 'the summary of the closed connection');
    expect(summaries(start)).toEqual([`${NOT_JSON} — 499 more times before the connection closed (repeats are logged once per 10 s)`]);
    b.ws.terminate();
  });

  it('E2: refused upgrades (a foreign Origin) are limited too, host-wide', async () => {
    const start = logs.length;
    const refused = async () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`, { headers: { origin: 'http://evil.example' } });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });
    for (let i = 0; i < 20; i++) expect(await refused()).toBe(403);
    expect(logs.slice(start).filter((l) => l.startsWith('bridge: refused a connection from origin'))).toHaveLength(1);
    clock.advance(INTERVAL_MS);
    expect(summaries(start)).toEqual([
      'bridge: refused a connection from origin http://evil.example for host 127.0.0.1:' + host.port + ' — 19 more times in the last 10 s (repeats are logged once per 10 s)',
    ]);
  });
});
