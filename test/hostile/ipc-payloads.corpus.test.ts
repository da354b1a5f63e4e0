import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Result } from '../../src/shared/api';
import type { AuditPage, TaskPage } from '../../src/shared/tasks';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { txt2img } from '../../harness/workflows';
import { ipcPayloads } from './ipc-payloads.corpus';

/**
 * E1, E2: every hostile (name, args) pair through `engine.call`, the one entry both IPC and the
 * bridge forward to, on an engine with a SQLite ledger. The answer is data, never a throw; the
 * refused call changes nothing (no task, no server, no audit entry) and the engine stays usable.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function state(): Promise<{ tasks: number; audit: number; servers: number }> {
  const tasks = (await h.call<TaskPage>('tasks.list', { limit: 1 })).total;
  const audit = (await h.call<AuditPage>('audit.list', { limit: 1 })).total;
  return { tasks, audit, servers: h.engine.snapshot().servers.length };
}

describe('E1, E2: hostile IPC and bridge payloads get typed errors naming the field', () => {
  it('E1: the corpus holds at least 20 payloads', () => {
    expect(ipcPayloads.length).toBeGreaterThanOrEqual(20);
    expect(new Set(ipcPayloads.map((c) => c.name)).size).toBe(ipcPayloads.length);
  });

  it.each(ipcPayloads.map((c) => [c.name, c] as const))('E1: %s', async (_name, c) => {
    const before = await state();
    let r: Result<unknown> | undefined;
    // engine.call is typed for trusted callers; these come from outside.
    const call = h.engine.call.bind(h.engine) as (name: unknown, args: unknown) => Promise<Result<unknown>>;
    await expect((async () => (r = await call(c.command, c.args)))()).resolves.toBeDefined();
    expect(r?.ok, JSON.stringify(r).slice(0, 300)).toBe(false);
    const error = (r as { error: ApiError }).error;
    expect(error.code, error.message).toBe(c.code);
    for (const m of c.mentions) expect(error.message).toContain(m);
    // A message for people: bounded even when the payload was megabytes.
    expect(error.message.length).toBeLessThan(4_000);
    expect(await state()).toEqual(before);
    expect(({} as Record<string, unknown>)['limit']).toBeUndefined();
  });

  it('E1: after the whole corpus the engine answers good calls', async () => {
    const out = await h.submit({ workflow: txt2img(), key: 'after-ipc-corpus' });
    expect(out.outcome).toBe('created');
    expect((await h.call<TaskPage>('tasks.list', { search: 'after-ipc-corpus' })).items.map((t) => t.id)).toEqual([out.task.id]);
    expect(await h.engine.call('fleet.snapshot', {})).toMatchObject({ ok: true });
    // Null args of a command without arguments read as "no arguments", as documented by the router.
    expect(await h.engine.call('types.list', null)).toMatchObject({ ok: true });
  });
});
