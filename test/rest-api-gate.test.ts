import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/main/engine/engine';
import type { RestApi } from '../src/main/engine/host/rest-api';
import { startRestApi } from '../src/main/engine/host/rest-api';
import { modelFreeWorkflow } from '../sim/src';
import { AUTH, TOKEN, apiStarter, quiet, raw, send } from './support/rest-api-client';

/**
 * A1 over real sockets on 127.0.0.1, the HTTP side: the gate (token, Host, browsers: E2 spirit),
 * routing and body handling, against a real Engine. The error table and the exact engine call
 * of each route are in rest-api-mapping.test.ts, a real engine with a simulator in
 * rest-api-engine.test.ts.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const startApi = apiStarter(cleanups);

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
