import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { startSim, type SimOptions, type SimServer, type WorkSite } from '../src/index';

/** Shared plumbing for the simulator's conformance suites: real sockets, bounded waits. */

export type Frame = { kind: 'json'; type: string; data: Record<string, unknown> } | { kind: 'binary'; buf: Buffer };

export type JsonFrame = Extract<Frame, { kind: 'json' }>;

/** Starts simulators that are closed after each test. */
export function useSims(): (options?: SimOptions) => Promise<SimServer> {
  const started: SimServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (options) => {
    const sim = await startSim(options);
    started.push(sim);
    return sim;
  };
}

import { until } from '../../test/support/until';

export { until };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class WsClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.frames.push({ kind: 'binary', buf: Buffer.from(data) });
      else {
        const parsed = JSON.parse(data.toString()) as { type: string; data: Record<string, unknown> };
        this.frames.push({ kind: 'json', type: parsed.type, data: parsed.data });
      }
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(baseUrl: string, clientId?: string, path = '/ws'): Promise<WsClient> {
    const query = clientId === undefined ? '' : `?clientId=${encodeURIComponent(clientId)}`;
    const client = new WsClient(new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}${query}`));
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('error', reject);
    });
    await client.waitFor((f) => f.kind === 'json' && f.type === 'status', 'first status frame');
    return client;
  }

  json(): JsonFrame[] {
    return this.frames.filter((f): f is JsonFrame => f.kind === 'json');
  }

  types(from = 0): string[] {
    return this.frames.slice(from).map((f) => (f.kind === 'json' ? f.type : 'binary'));
  }

  /** Resolves with the first frame (from index `from`) matching `pred`. */
  async waitFor(pred: (f: Frame) => boolean, what: string, ms = 5000, from = 0): Promise<Frame> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find(pred);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.types().join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the terminal `executing {node: null}` of a job. */
  waitDone(promptId: string, ms = 5000): Promise<Frame> {
    return this.waitFor((f) => f.kind === 'json' && f.type === 'executing' && f.data['node'] === null && f.data['prompt_id'] === promptId, `end of ${promptId}`, ms);
  }

  /**
   * A ping round trip: once the pong is back, every frame the server sent before it saw
   * the ping has arrived (one socket is ordered). Asserting that a frame did *not* come
   * needs this instead of a sleep, whose length a busy machine can outlast.
   */
  async flush(ms = 5000): Promise<void> {
    const pong = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for pong')), ms);
      this.ws.once('pong', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.ws.ping();
    await pong;
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const text = body.toString('utf8');
  return { status: res.status, headers: res.headers, text, body, json: <T>() => JSON.parse(text) as T };
}

export function postJson(url: string, value: unknown): Promise<HttpResult> {
  return http(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
}

export interface Queued {
  prompt_id: string;
  number: number;
  node_errors: Record<string, unknown>;
}

/** POST /prompt and expect 200. */
export async function submit(sim: SimServer, body: Record<string, unknown>): Promise<Queued> {
  const res = await postJson(`${sim.url}/prompt`, body);
  if (res.status !== 200) throw new Error(`POST /prompt answered ${res.status}: ${res.text}`);
  return res.json<Queued>();
}

export async function historyOf(sim: SimServer, promptId: string, ms = 5000): Promise<Record<string, unknown>> {
  let entry: Record<string, unknown> | undefined;
  await until(
    async () => {
      const res = await http(`${sim.url}/history/${promptId}`);
      entry = res.json<Record<string, Record<string, unknown>>>()[promptId];
      return entry !== undefined;
    },
    `history of ${promptId}`,
    ms,
  );
  return entry as Record<string, unknown>;
}

/**
 * Holds a job at a chosen node (via `SimOptions.workGate`) until `release()`, so a test can
 * act "while node X runs" without racing a duration. Once released the gate stays open.
 */
export class WorkGate {
  readonly reached: WorkSite[] = [];
  private open = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly holds: (at: WorkSite) => boolean) {}

  /** Pass as `workGate` to startSim. */
  readonly hook = (at: WorkSite): Promise<void> | undefined => {
    if (this.open || !this.holds(at)) return undefined;
    this.reached.push(at);
    return new Promise((resolve) => this.waiting.push(resolve));
  };

  release(): void {
    this.open = true;
    for (const resume of this.waiting.splice(0)) resume();
  }
}
