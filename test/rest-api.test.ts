import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorCode, Result } from '../src/shared/api';
import type { TaskView } from '../src/shared/tasks';
import type { CallContext } from '../src/main/engine/api/command-router';
import { Engine } from '../src/main/engine/engine';
import type { RestApi } from '../src/main/engine/host/rest-api';
import { startRestApi } from '../src/main/engine/host/rest-api';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { until } from './support/until';
import { startHarness } from './support/engine-harness';
import { taskView } from './support/task-view';

/**
 * A1 over real sockets on 127.0.0.1: the gate (E2 spirit), routing, body handling, the error
 * table, and the exact engine call each route makes. Mappings use a recording fake engine so
 * the call shapes are asserted exactly; the rest runs against a real Engine.
 */

const TOKEN = 'test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const quiet = () => undefined;

interface Recorded {
  name: string;
  args: unknown;
  ctx: CallContext | undefined;
}

/** A stand-in for the engine that records each call and answers what the test says. */
function fakeEngine(answer: (name: string, args: unknown) => Result<unknown> | Promise<Result<unknown>>) {
  const calls: Recorded[] = [];
  return {
    calls,
    call: async (name: string, args: unknown, ctx?: CallContext) => {
      calls.push({ name, args, ctx });
      return answer(name, args);
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startApi(engine: Pick<Engine, 'call'>, extra: Partial<Parameters<typeof startRestApi>[0]> = {}): Promise<RestApi> {
  const api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet, ...extra });
  cleanups.push(() => api.close());
  return api;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  bytes: Buffer;
  json: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

/** node:http rather than fetch where the test must control Host, Origin or framing. */
function raw(api: RestApi, method: string, path: string, headers: Record<string, string | number> = AUTH, body?: string | Buffer): Promise<Answer> {
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

async function send(api: RestApi, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Answer> {
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

const task = (over: Partial<TaskView> = {}): TaskView => taskView(over);

const ok = (value: unknown): Result<unknown> => ({ ok: true, value });

describe('task API gate: token, Host, browsers (A1, E2)', () => {
  let engine: Engine;
  let api: RestApi;
  beforeAll(async () => {
    engine = new Engine({ log: quiet });
    await engine.ready;
    api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet });
  });
  afterAll(async () => {
    await api.close();
    engine.dispose();
  });

  it('A1: a request without a token is 401 and says how to pass one; the right token gets through', async () => {
    const none = await raw(api, 'GET', '/v1/servers', {});
    expect(none.status).toBe(401);
    expect(none.json.error?.code).toBe('unauthorized');
    expect(none.json.error?.message).toContain('Authorization: Bearer <token>');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.text).not.toContain(TOKEN);
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    // A refusal of a request without a body keeps the connection usable.
    expect(none.headers['connection']).not.toBe('close');

    const good = await raw(api, 'GET', '/v1/servers');
    expect(good.status).toBe(200);
    expect(good.json).toEqual({ servers: [] });
  });

  it('A1: a wrong token, a token of another length and another scheme are 401, and no token is ever echoed', async () => {
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, 'Bearer short', `Bearer ${TOKEN}${TOKEN}`, `Basic ${TOKEN}`, TOKEN, 'Bearer']) {
      const r = await raw(api, 'GET', '/v1/servers', { authorization });
      expect(r.status, authorization).toBe(401);
      expect(r.json.error?.code).toBe('unauthorized');
      expect(r.text).not.toContain(TOKEN);
      expect(r.text).not.toContain('short');
    }
    // The scheme is case-insensitive (RFC 7235).
    expect((await raw(api, 'GET', '/v1/servers', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('E2: a request from a web page (Origin or Sec-Fetch-Site) is refused with 403 even with the token; no CORS', async () => {
    const pages: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: `http://127.0.0.1:${api.port}` }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of pages) {
      const r = await raw(api, 'GET', '/v1/servers', { ...AUTH, ...headers });
      expect(r.status).toBe(403);
      expect(r.json.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('for programs') });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
    // A CORS preflight carries Origin too: refused, so no page can ever be allowed in.
    const preflight = await raw(api, 'OPTIONS', '/v1/tasks', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(403);
  });

  it('E2: a foreign Host (DNS rebinding) is refused even with the token; loopback names are served', async () => {
    const r = await raw(api, 'GET', '/v1/servers', { ...AUTH, host: `evil.example:${api.port}` });
    expect(r.status).toBe(421);
    expect(r.json.error?.code).toBe('misdirected_request');
    for (const host of [`127.0.0.1:${api.port}`, `localhost:${api.port}`]) expect((await raw(api, 'GET', '/v1/servers', { ...AUTH, host })).status).toBe(200);
  });

  it('E2: binding beyond loopback needs a chosen token; without one on loopback a random token is generated and printed', async () => {
    await expect(startRestApi({ engine, host: '0.0.0.0', port: 0, token: null, log: quiet })).rejects.toThrow(/give --token T/);
    await expect(startRestApi({ engine, host: '127.0.0.1', port: 0, token: ' ', log: quiet })).rejects.toThrow(/token is empty/);
    const lines: string[] = [];
    const generated = await startApi(engine, { token: null, log: (l) => lines.push(l) });
    expect(generated.tokenGenerated).toBe(true);
    expect(generated.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines.join('\n')).toContain(generated.token);
    expect((await raw(generated, 'GET', '/v1/servers', {})).status).toBe(401);
    expect((await raw(generated, 'GET', '/v1/servers', { authorization: `Bearer ${generated.token}` })).status).toBe(200);
    const other = await startApi(engine, { token: null });
    expect(other.token).not.toBe(generated.token);
  });

  it('A1: a port already in use is a readable error naming --api-port', async () => {
    await expect(startRestApi({ engine, host: '127.0.0.1', port: api.port, token: TOKEN, log: quiet })).rejects.toThrow(/already in use; pick another with --api-port/);
  });
});

describe('task API routing and bodies (A1)', () => {
  let engine: Engine;
  let api: RestApi;
  beforeAll(async () => {
    engine = new Engine({ log: quiet });
    await engine.ready;
    api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet, bodyTimeoutMs: 300 });
  });
  afterAll(async () => {
    await api.close();
    engine.dispose();
  });

  it('A1: an unknown route is 404 not_found listing the routes', async () => {
    for (const path of ['/v2/tasks', '/v1/task', '/v1/tasks/a/b/c/d', '/', '//v1/tasks']) {
      const r = await send(api, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.json.error?.code).toBe('not_found');
      expect(r.json.error?.message).toContain('POST /v1/tasks');
      expect(r.json.error?.message).toContain('GET /v1/servers');
      expect(r.json.error?.message).toContain('POST /v1/locks/:session/unlock');
    }
  });

  it('A1: a known path with the wrong method is 405 with Allow', async () => {
    const del = await send(api, 'DELETE', '/v1/tasks/abc');
    expect(del.status).toBe(405);
    expect(del.headers['allow']).toBe('GET');
    expect(del.json.error).toMatchObject({ code: 'method_not_allowed', message: expect.stringContaining('DELETE') });
    const put = await send(api, 'PUT', '/v1/tasks');
    expect(put.status).toBe(405);
    expect(put.headers['allow']?.split(', ').sort()).toEqual(['GET', 'POST']);
    expect((await send(api, 'GET', '/v1/locks/s1/unlock')).headers['allow']).toBe('POST');
  });

  it('A1: malformed JSON is 400 bad_request naming the route', async () => {
    const r = await raw(api, 'POST', '/v1/tasks', { ...AUTH, 'content-type': 'application/json' }, '{"workflow": {');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/POST \/v1\/tasks: the body is not valid JSON/) });
  });

  it('A1: a body not declared as JSON is 415 unsupported_media_type', async () => {
    const plain = await raw(api, 'POST', '/v1/tasks', { ...AUTH, 'content-type': 'text/plain' }, '{"workflow":{}}');
    expect(plain.status).toBe(415);
    expect(plain.json.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') });
    const undeclared = await raw(api, 'POST', '/v1/tasks', { ...AUTH, 'content-length': 2 }, '{}');
    expect(undeclared.status).toBe(415);
    const form = await raw(api, 'POST', '/v1/tasks', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, 'workflow=1');
    expect(form.status).toBe(415);
  });

  it('A1: a body over 6 MiB is 413 too_large, sent whole or only announced; the API keeps serving', async () => {
    const big = Buffer.alloc(7 * 1024 * 1024, 0x20);
    big.write('{"workflow":', 0);
    const sent = await raw(api, 'POST', '/v1/tasks', { ...AUTH, 'content-type': 'application/json' }, big);
    expect(sent.status).toBe(413);
    expect(sent.json.error).toMatchObject({ code: 'too_large', message: expect.stringContaining('6 MiB') });
    // Announced far beyond the limit: refused from the headers, the body is never read.
    const announced = await new Promise<string>((resolve, reject) => {
      const s = connect(api.port, '127.0.0.1', () =>
        s.write(`POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${1024 ** 3}\r\n\r\n{`),
      );
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
      s.setTimeout(5_000, () => s.destroy(new Error('no answer within 5 s')));
    });
    expect(announced).toMatch(/^HTTP\/1\.1 413/);
    expect(announced).toContain('"too_large"');
    expect((await send(api, 'GET', '/v1/servers')).status).toBe(200);
  });

  it('A1: a body that trickles in (slowloris) is cut off with 408 request_timeout; the API keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(api.port, '127.0.0.1', () =>
        s.write(`POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"wor`),
      );
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
      s.setTimeout(5_000, () => s.destroy(new Error('the API never answered a stalled body')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"request_timeout"');
    expect((await send(api, 'GET', '/v1/servers')).status).toBe(200);
  });

  it('A1: broken HTTP gets a JSON 400, not a crash', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(api.port, '127.0.0.1', () => s.write('NONSENSE\r\n\r\n'));
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
      s.setTimeout(5_000, () => s.destroy(new Error('no answer within 5 s')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"bad_request"');
    expect((await send(api, 'GET', '/v1/servers')).status).toBe(200);
  });

  it('A1: unknown query parameters are 400 naming each one', async () => {
    const r = await send(api, 'GET', '/v1/tasks?status=queued&colour=red&sever=x');
    expect(r.status).toBe(400);
    expect(r.json.error?.code).toBe('bad_request');
    expect(r.json.error?.message).toContain('"colour"');
    expect(r.json.error?.message).toContain('"sever"');
    expect(r.json.error?.message).toContain('status, server, type, session, parent, key, limit, cursor');
    expect((await send(api, 'GET', '/v1/servers?verbose=1')).json.error?.message).toMatch(/"verbose".*takes none/);
  });

  it('A1: a body that is not an object, a body with unknown fields, or a body on a GET is 400', async () => {
    const arr = await send(api, 'POST', '/v1/tasks', [1, 2]);
    expect(arr.status).toBe(400);
    expect(arr.json.error?.message).toContain('must be a JSON object');
    const extra = await send(api, 'POST', '/v1/tasks', { workflow: {}, sessionId: 's', priority: 1 });
    expect(extra.status).toBe(400);
    expect(extra.json.error?.message).toMatch(/unknown fields "sessionId", "priority".*known: workflow, type, key, session, pin, requirements/);
    const missing = await raw(api, 'POST', '/v1/tasks');
    expect(missing.status).toBe(400);
    expect(missing.json.error?.message).toContain('needs a JSON object body');
    const onGet = await raw(api, 'GET', '/v1/servers', { ...AUTH, 'content-type': 'application/json', 'content-length': 2 }, '{}');
    expect(onGet.status).toBe(400);
    expect(onGet.json.error?.message).toContain('takes no body');
  });

  it('A1: arguments the engine refuses come back as 400 bad_request with its message (real engine)', async () => {
    const r = await send(api, 'POST', '/v1/tasks', { workflow: modelFreeWorkflow({ seed: 1 }), type: 5 });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('tasks.submit') });
    const status = await send(api, 'GET', '/v1/tasks?status=paused');
    expect(status.status).toBe(400);
    expect(status.json.error?.message).toContain('status');
  });
});

describe('task API error table (A1: one stable code, one status)', () => {
  // Written out here, not imported: the test must fail if the table changes by accident.
  const expected: Record<ApiErrorCode, number> = {
    bad_request: 400,
    invalid_url: 400,
    invalid_workflow: 400,
    unknown_type: 400,
    unauthorized: 401,
    not_found: 404,
    conflict: 409,
    version_conflict: 409,
    terminal: 409,
    illegal_transition: 409,
    rerun_refused: 409,
    too_large: 413,
    unknown_command: 500,
    internal: 500,
    corrupt_database: 500,
    incompatible_database: 500,
    queue_full: 503,
    store_busy: 503,
    store_unavailable: 503,
    disconnected: 503,
    unavailable: 501,
  };

  it('A1: every ApiErrorCode from the engine maps to its HTTP status with code and message kept', async () => {
    const fake = fakeEngine((_name, args) => {
      const code = (args as { id: string }).id as ApiErrorCode;
      return { ok: false, error: { code, message: `task ${code}: what happened and what to do` } };
    });
    const api = await startApi(fake);
    for (const [code, status] of Object.entries(expected)) {
      const r = await send(api, 'GET', `/v1/tasks/${code}`);
      expect(r.status, code).toBe(status);
      expect(r.json).toEqual({ error: { code, message: `task ${code}: what happened and what to do` } });
      if (status === 503) expect(r.headers['retry-after'], code).toBe('1');
    }
  });

  it('A1: details from the engine (per-node workflow issues) reach the caller', async () => {
    const issues = [{ nodeId: '3', classType: 'KSampler', input: 'model', message: 'node 3 (KSampler): input model links to missing node 9' }];
    const api = await startApi(fakeEngine(() => ({ ok: false, error: { code: 'invalid_workflow', message: 'the workflow has 1 problem', details: issues } })));
    const r = await send(api, 'POST', '/v1/tasks', { workflow: { 3: {} } });
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: 'invalid_workflow', message: 'the workflow has 1 problem', details: issues });
  });

  it('A1: an engine that throws (a bug) is 500 internal, logged, and the API keeps serving', async () => {
    const lines: string[] = [];
    let throwing = true;
    const api = await startApi(
      fakeEngine(() => {
        if (throwing) throw new Error('boom');
        return ok([]);
      }),
      { log: (l) => lines.push(l) },
    );
    const r = await send(api, 'GET', '/v1/locks');
    expect(r.status).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'internal', message: expect.stringContaining('GET /v1/locks') });
    expect(lines.join('\n')).toContain('boom');
    throwing = false;
    expect((await send(api, 'GET', '/v1/locks')).json).toEqual({ locks: [] });
  });

  it('A1: an unknown code from a newer engine is still an answer: 500 with the code kept', async () => {
    const api = await startApi(fakeEngine(() => ({ ok: false, error: { code: 'brand_new' as ApiErrorCode, message: 'm' } })));
    const r = await send(api, 'GET', '/v1/tasks/x');
    expect(r.status).toBe(500);
    expect(r.json.error?.code).toBe('brand_new');
  });
});

describe('task API → engine calls (exact shapes, actor api)', () => {
  const API_CTX = { actor: 'api' };

  it('T1, T2: POST /v1/tasks renames session → sessionId and pin → pinServerId; created is 201 with Location', async () => {
    const created = task({ id: 'new task', key: 'order-7', sessionId: 'shop' });
    const fake = fakeEngine(() => ok({ outcome: 'created', task: created }));
    const api = await startApi(fake);
    const workflow = modelFreeWorkflow({ seed: 3 });
    const r = await send(api, 'POST', '/v1/tasks', { workflow, type: 'product-photo', key: 'order-7', session: 'shop', pin: 'srv-1', requirements: { nodes: ['KSampler'] } });
    expect(fake.calls).toEqual([
      {
        name: 'tasks.submit',
        args: { workflow, type: 'product-photo', key: 'order-7', sessionId: 'shop', pinServerId: 'srv-1', requirements: { nodes: ['KSampler'] } },
        ctx: API_CTX,
      },
    ]);
    expect(r.status).toBe(201);
    expect(r.headers['location']).toBe('/v1/tasks/new%20task');
    expect(r.json).toEqual({ outcome: 'created', task: created });
  });

  it('L1: without a session the task goes to session "api"; a null pin is passed as null; a bad session is 400 before any call', async () => {
    const fake = fakeEngine(() => ok({ outcome: 'created', task: task() }));
    const api = await startApi(fake);
    await send(api, 'POST', '/v1/tasks', { workflow: { 1: {} } });
    await send(api, 'POST', '/v1/tasks', { workflow: { 1: {} }, pin: null, key: null });
    expect(fake.calls.map((c) => c.args)).toEqual([
      { workflow: { 1: {} }, sessionId: 'api' },
      { workflow: { 1: {} }, sessionId: 'api', pinServerId: null, key: null },
    ]);
    for (const session of [5, '', null]) {
      const r = await send(api, 'POST', '/v1/tasks', { workflow: {}, session });
      expect(r.status).toBe(400);
      expect(r.json.error?.message).toContain('"session" must be a non-empty string');
    }
    expect((await send(api, 'POST', '/v1/tasks', { workflow: {}, pin: 7 })).json.error?.message).toContain('"pin"');
    expect(fake.calls).toHaveLength(2);
  });

  it('T2: deduplicated is 200 and conflict is 409, each with the existing task', async () => {
    let outcome = 'deduplicated';
    const existing = task({ id: 'old', key: 'order-7', status: 'running' });
    const api = await startApi(fakeEngine(() => ok({ outcome, task: existing })));
    const dedup = await send(api, 'POST', '/v1/tasks', { workflow: {}, key: 'order-7' });
    expect(dedup.status).toBe(200);
    expect(dedup.json).toEqual({ outcome: 'deduplicated', task: existing });
    outcome = 'conflict';
    const conflict = await send(api, 'POST', '/v1/tasks', { workflow: {}, key: 'order-7' });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({ outcome: 'conflict', task: existing });
  });

  it('U2: GET /v1/tasks turns the query into a TaskQuery (status list, server, key → search, limit as a number)', async () => {
    const page = { items: [task()], total: 1, nextCursor: null };
    const fake = fakeEngine(() => ok(page));
    const api = await startApi(fake);
    const r = await send(api, 'GET', '/v1/tasks?status=queued,running&status=failed&server=srv-1&type=t&session=shop&key=order-7&limit=50&cursor=c1');
    expect(r.status).toBe(200);
    expect(r.json).toEqual(page);
    await send(api, 'GET', '/v1/tasks');
    expect(fake.calls).toEqual([
      { name: 'tasks.list', args: { status: ['queued', 'running', 'failed'], serverId: 'srv-1', type: 't', sessionId: 'shop', search: 'order-7', limit: 50, cursor: 'c1' }, ctx: API_CTX },
      { name: 'tasks.list', args: {}, ctx: API_CTX },
    ]);
    expect((await send(api, 'GET', '/v1/tasks?limit=ten')).json.error?.message).toContain('?limit=ten is not a whole number');
    expect((await send(api, 'GET', '/v1/tasks?server=a&server=b')).json.error?.message).toContain('give ?server= once');
    expect(fake.calls).toHaveLength(2);
  });

  it('U3: GET /v1/tasks/:id and its workflow pass the decoded id', async () => {
    const fake = fakeEngine((name) => ok(name === 'tasks.get' ? { task: task(), attempts: [], events: [] } : { 1: { class_type: 'X', inputs: {} } }));
    const api = await startApi(fake);
    expect((await send(api, 'GET', '/v1/tasks/a%2Fb%20c')).json).toEqual({ task: task(), attempts: [], events: [] });
    expect((await send(api, 'GET', '/v1/tasks/t9/workflow')).json).toEqual({ 1: { class_type: 'X', inputs: {} } });
    expect(fake.calls).toEqual([
      { name: 'tasks.get', args: { id: 'a/b c' }, ctx: API_CTX },
      { name: 'tasks.workflow', args: { id: 't9' }, ctx: API_CTX },
    ]);
  });

  it('T7: POST /v1/tasks/:id/cancel with or without a reason; done is 200, requested (server asked) is 202', async () => {
    let state = 'done';
    const fake = fakeEngine(() => ok({ task: task({ status: 'cancelled' }), state }));
    const api = await startApi(fake);
    const done = await send(api, 'POST', '/v1/tasks/t1/cancel');
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ state: 'done', task: { status: 'cancelled' } });
    state = 'requested';
    expect((await send(api, 'POST', '/v1/tasks/t1/cancel', { reason: 'customer cancelled the order' })).status).toBe(202);
    // A chunked request that turns out empty has no body: not a 415 for its missing type.
    expect((await raw(api, 'POST', '/v1/tasks/t1/cancel', { ...AUTH, 'transfer-encoding': 'chunked' })).status).toBe(202);
    expect(fake.calls.map((c) => [c.name, c.args, c.ctx])).toEqual([
      ['tasks.cancel', { id: 't1' }, API_CTX],
      ['tasks.cancel', { id: 't1', reason: 'customer cancelled the order' }, API_CTX],
      ['tasks.cancel', { id: 't1' }, API_CTX],
    ]);
    expect((await send(api, 'POST', '/v1/tasks/t1/cancel', { why: 'x' })).status).toBe(400);
  });

  it('T8: POST /v1/tasks/:id/rerun passes workflow, force and reason; the outcome decides the status', async () => {
    const fake = fakeEngine(() => ok({ outcome: 'created', task: task({ id: 't2', parentId: 't1' }) }));
    const api = await startApi(fake);
    const r = await send(api, 'POST', '/v1/tasks/t1/rerun', { workflow: { 1: {} }, force: true, reason: 'wrong colour' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ outcome: 'created', task: { id: 't2', parentId: 't1' } });
    await send(api, 'POST', '/v1/tasks/t1/rerun');
    expect(fake.calls.map((c) => c.args)).toEqual([{ id: 't1', workflow: { 1: {} }, force: true, reason: 'wrong colour' }, { id: 't1' }]);
  });

  it('T6: GET /v1/tasks/:id/outputs/:n answers the raw bytes with their type; ?thumbnail=1 asks for the thumbnail', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    let contentType = 'image/png';
    const fake = fakeEngine(() => ok({ contentType, base64: png.toString('base64') }));
    const api = await startApi(fake);
    const full = await send(api, 'GET', '/v1/tasks/t1/outputs/0');
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('image/png');
    expect(full.bytes.equals(png)).toBe(true);
    await send(api, 'GET', '/v1/tasks/t1/outputs/2?thumbnail=1');
    expect(fake.calls.map((c) => c.args)).toEqual([
      { id: 't1', index: 0 },
      { id: 't1', index: 2, thumbnail: true },
    ]);
    contentType = 'text/html\r\nx-evil: 1';
    expect((await send(api, 'GET', '/v1/tasks/t1/outputs/0')).headers['content-type']).toBe('application/octet-stream');
    expect((await send(api, 'GET', '/v1/tasks/t1/outputs/first')).json.error?.message).toContain('not a whole number');
    expect((await send(api, 'GET', '/v1/tasks/t1/outputs/0?thumbnail=maybe')).status).toBe(400);
    expect(fake.calls).toHaveLength(3);
  });

  it('L5, L4: GET /v1/locks wraps the list; POST /v1/locks/:session/unlock needs a reason and the L4 choice', async () => {
    const lock = { sessionId: 'shop 1', serverId: 'srv-1', acquiredAt: 1, renewedAt: 2, state: 'stuck', stuckReason: 'server down', stuckSince: 2, unfinishedTasks: 3 };
    const fake = fakeEngine((name) => ok(name === 'locks.list' ? [lock] : { lock, tasks: [{ id: 't1', outcome: 'requeued', note: 'moved' }] }));
    const api = await startApi(fake);
    expect((await send(api, 'GET', '/v1/locks')).json).toEqual({ locks: [lock] });
    const r = await send(api, 'POST', '/v1/locks/shop%201/unlock', { reason: 'gpu-3 is being replaced', unfinished: 'requeue' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ lock, tasks: [{ id: 't1', outcome: 'requeued' }] });
    const noReason = await send(api, 'POST', '/v1/locks/shop/unlock', { unfinished: 'cancel' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error?.message).toContain('a "reason" is required');
    expect((await send(api, 'POST', '/v1/locks/shop/unlock', { reason: 'r' })).json.error?.message).toContain('"requeue", "cancel" or "leave"');
    expect((await raw(api, 'POST', '/v1/locks/shop/unlock')).status).toBe(400);
    expect(fake.calls.map((c) => [c.name, c.args, c.ctx])).toEqual([
      ['locks.list', {}, API_CTX],
      ['locks.unlock', { sessionId: 'shop 1', reason: 'gpu-3 is being replaced', unfinished: 'requeue' }, API_CTX],
    ]);
  });

  it('U7: GET /v1/audit passes cursor, limit and target; GET /v1/types wraps the policies', async () => {
    const fake = fakeEngine((name) => ok(name === 'audit.list' ? { items: [], total: 0, nextCursor: null } : [{ type: 'default', mode: 'once', retryLimit: 2, failover: 'wait' }]));
    const api = await startApi(fake);
    expect((await send(api, 'GET', '/v1/audit?limit=10&target=t1&cursor=c')).json).toEqual({ items: [], total: 0, nextCursor: null });
    expect((await send(api, 'GET', '/v1/types')).json).toEqual({ types: [{ type: 'default', mode: 'once', retryLimit: 2, failover: 'wait' }] });
    expect(fake.calls.map((c) => [c.name, c.args])).toEqual([
      ['audit.list', { limit: 10, target: 't1', cursor: 'c' }],
      ['types.list', {}],
    ]);
  });
});

describe('task API against a real engine and simulator', () => {
  let engine: Engine;
  let api: RestApi;
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSim({ name: 'gpu-rest' });
    engine = new Engine({ log: quiet, probe: { queueIntervalMs: 150, statsIntervalMs: 400, timeoutMs: 400, retryMs: 100 } });
    await engine.ready;
    api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet });
  });
  afterAll(async () => {
    await api.close();
    engine.dispose();
    await sim.close();
  });

  it('F1: GET /v1/servers lists the fleet of fleet.snapshot, health included', async () => {
    const added = await engine.call('servers.add', { url: sim.url, name: 'gpu-rest' });
    expect(added.ok).toBe(true);
    let servers: { name: string; url: string; health: { state: string } }[] = [];
    await until(
      async () => {
        servers = (await send(api, 'GET', '/v1/servers')).json['servers'] as typeof servers;
        return servers[0]?.health.state === 'healthy';
      },
      'gpu-rest healthy through GET /v1/servers',
    );
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ name: 'gpu-rest', url: sim.url });
  });

  it('T1, T2, T7, T8: submit → get → list → cancel → rerun through the engine', async () => {
    // No server in this engine: the task waits in the console queue, so the cancel below always
    // finds it there (T7: removed), however fast the simulator would have been.
    // A real ledger and no server: the task stays queued, so cancel and re-run see it waiting.
    const h = await startHarness();
    cleanups.push(() => h.close());
    const local = await startApi(h.engine);
    const workflow = modelFreeWorkflow({ seed: 42 });
    const key = 'order-4711';
    const created = await send(local, 'POST', '/v1/tasks', { workflow, key, session: 'shop' });
    expect(created.status).toBe(201);
    const id = (created.json['task'] as TaskView).id;
    const path = `/v1/tasks/${encodeURIComponent(id)}`;
    expect(created.headers['location']).toBe(path);
    expect(created.json).toMatchObject({ outcome: 'created', task: { id, key, sessionId: 'shop', status: 'queued' } });

    // T2: the same key while the task is active answers that task, never a second one.
    const again = await send(local, 'POST', '/v1/tasks', { workflow, key, session: 'shop' });
    expect([200, 409]).toContain(again.status);
    expect((again.json['task'] as TaskView).id).toBe(id);

    const got = await send(local, 'GET', path);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ task: { id, key } });
    const listed = await send(local, 'GET', `/v1/tasks?key=${key}&status=queued`);
    expect((listed.json['items'] as TaskView[]).map((t) => t.id)).toEqual([id]);

    const cancel = await send(local, 'POST', `${path}/cancel`, { reason: 'order withdrawn' });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ state: 'done', task: { id, status: 'cancelled' } });
    expect(((await send(local, 'GET', path)).json['task'] as TaskView).status).toBe('cancelled');

    const rerun = await send(local, 'POST', `${path}/rerun`, { reason: 'order restored' });
    expect(rerun.status).toBe(201);
    expect(rerun.json).toMatchObject({ outcome: 'created', task: { parentId: id, key } });

    const unknown = await send(local, 'GET', '/v1/tasks/no-such-task');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe('not_found');
});
});
