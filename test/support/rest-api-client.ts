import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';
import type { Result } from '../../src/shared/api';
import type { TaskView } from '../../src/shared/tasks';
import type { CallContext } from '../../src/main/engine/api/command-router';
import type { Engine } from '../../src/main/engine/engine';
import type { RestApi } from '../../src/main/engine/host/rest-api';
import { startRestApi } from '../../src/main/engine/host/rest-api';
import { taskView } from './task-view';

/**
 * What the task API tests (test/rest-api-*.test.ts) share: the token, a recording fake engine,
 * a starter that registers each API for closing, and two HTTP clients (fetch, and node:http
 * where a test must control Host, Origin or framing). Registers no hooks: with shared workers
 * a module is loaded once, so each test file owns its `cleanups` and its `afterEach`.
 */

export const TOKEN = 'test-token-0123456789';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const quiet = () => undefined;

interface Recorded {
  name: string;
  args: unknown;
  ctx: CallContext | undefined;
}

/** A stand-in for the engine that records each call and answers what the test says. */
export function fakeEngine(answer: (name: string, args: unknown) => Result<unknown> | Promise<Result<unknown>>) {
  const calls: Recorded[] = [];
  return {
    calls,
    call: async (name: string, args: unknown, ctx?: CallContext) => {
      calls.push({ name, args, ctx });
      return answer(name, args);
    },
  };
}

/** `startApi(engine, extra?)`: a task API on a free port of 127.0.0.1 with {@link TOKEN}; closed by the test file's `cleanups`. */
export function apiStarter(cleanups: (() => unknown)[]) {
  return async (engine: Pick<Engine, 'call'>, extra: Partial<Parameters<typeof startRestApi>[0]> = {}): Promise<RestApi> => {
    const api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet, ...extra });
    cleanups.push(() => api.close());
    return api;
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  bytes: Buffer;
  json: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

/** node:http rather than fetch where the test must control Host, Origin or framing. */
export function raw(api: RestApi, method: string, path: string, headers: Record<string, string | number> = AUTH, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: api.port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json: Answer['json'] = {};
        try {
          json = JSON.parse(text) as Answer['json'];
        } catch {
          // not JSON (an output file): the test reads bytes
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function send(api: RestApi, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Answer> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    // not JSON
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), text, bytes, json };
}

export const task = (over: Partial<TaskView> = {}): TaskView => taskView(over);

export const ok = (value: unknown): Result<unknown> => ({ ok: true, value });
