import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestApi } from '../../src/main/engine/host/rest-api';
import { startRestApi } from '../../src/main/engine/host/rest-api';
import type { AuditPage, TaskPage } from '../../src/shared/tasks';
import { txt2img } from '../../harness/workflows';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { AUTH, quiet, raw, TOKEN } from '../support/rest-api-client';
import { restPayloads } from './rest-payloads.corpus';

/**
 * A1, T2: text no database stores as given, through the task API on a real socket to a real
 * engine over a SQLite ledger. Each request is refused as a 400 naming the field, nothing is
 * written, and well-formed text (surrogate pairs included) still round-trips exactly.
 */

let h: Harness;
let api: RestApi;

beforeAll(async () => {
  h = await startHarness();
  api = await startRestApi({ engine: h.engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet });
});

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json' };
const post = (path: string, body: string) => raw(api, 'POST', path, JSON_HEADERS, body);

async function state(): Promise<{ tasks: number; audit: number }> {
  return { tasks: (await h.call<TaskPage>('tasks.list', { limit: 1 })).total, audit: (await h.call<AuditPage>('audit.list', { limit: 1 })).total };
}

describe('A1, T2: ill-formed text through the task API', () => {
  it.each(restPayloads.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await state();
    const answer = c.body === undefined ? await raw(api, c.method, c.path) : await raw(api, c.method, c.path, JSON_HEADERS, c.body);
    expect(answer.status, answer.text).toBe(c.status);
    expect(answer.json.error?.code).toBe(c.code);
    for (const m of c.mentions) expect(answer.json.error?.message).toContain(m);
    // The answer itself is well-formed JSON text: the offending unit is never echoed raw.
    expect(answer.text).not.toContain('\u0000');
    expect(answer.text).not.toContain('\uFFFD');
    expect(await state()).toEqual(before);
  });

  it('T2: two keys that differ only in a lone surrogate cannot deduplicate against each other', async () => {
    const body = (key: string) => `{"workflow": ${JSON.stringify(txt2img())}, "key": "${key}"}`;
    const first = await post('/v1/tasks', body('u-x\\ud800y'));
    const second = await post('/v1/tasks', body('u-x\\udbffy'));
    // Before the fix: 201 created, then 409 conflict naming the first task, whose key read back as "u-x\ufffdy".
    expect([first.status, second.status], `${first.text}\n${second.text}`).toEqual([400, 400]);
    expect(second.json.error?.message).toContain('"key"');
    expect((await state()).tasks).toBe(0);
  });

  it('T2: well-formed keys and sessions — astral characters as surrogate pairs included — round-trip exactly', async () => {
    const key = 'u-x\u{1F600}y';
    const session = 'shop-\u00e9\u{10FFFF}';
    const created = await post('/v1/tasks', JSON.stringify({ workflow: txt2img(), key, session }));
    expect(created.status, created.text).toBe(201);
    const task = created.json['task'] as { id: string; key: string; sessionId: string };
    expect({ key: task.key, sessionId: task.sessionId }).toEqual({ key, sessionId: session });
    const read = await raw(api, 'GET', `/v1/tasks/${encodeURIComponent(task.id)}`);
    expect((read.json['task'] as { key: string }).key).toBe(key);
    // The escape spelling of the same pair is the same key: while the task is active, the
    // default (rerunnable) policy answers conflict, naming that task.
    const again = await post('/v1/tasks', `{"workflow": ${JSON.stringify(txt2img())}, "key": "u-x\\ud83d\\ude00y", "session": ${JSON.stringify(session)}}`);
    expect(again.status, again.text).toBe(409);
    expect((again.json['task'] as { id: string }).id).toBe(task.id);
  });

  it('T1: a workflow is JSON, not a stored text column: lone surrogates and NUL inside it are kept as sent', async () => {
    const wf = txt2img();
    (wf['6']!.inputs as Record<string, unknown>)['text'] = 'a shoe \ud800 with \u0000 a NUL';
    const created = await post('/v1/tasks', JSON.stringify({ workflow: wf, key: 'opaque-workflow' }));
    expect(created.status, created.text).toBe(201);
    const id = (created.json['task'] as { id: string }).id;
    const stored = await raw(api, 'GET', `/v1/tasks/${encodeURIComponent(id)}/workflow`);
    expect(JSON.stringify(stored.json)).toContain('a shoe \\ud800 with \\u0000 a NUL');
  });
});
