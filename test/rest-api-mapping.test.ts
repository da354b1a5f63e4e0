import { afterEach, describe, expect, it } from 'vitest';
import type { ApiErrorCode } from '../src/shared/api';
import { modelFreeWorkflow } from '../sim/src';
import { AUTH, apiStarter, fakeEngine, ok, raw, send, task } from './support/rest-api-client';

/**
 * A1 over real sockets on 127.0.0.1: the error table and the exact engine call each route makes,
 * against a recording fake engine so the call shapes are asserted exactly.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const startApi = apiStarter(cleanups);

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
