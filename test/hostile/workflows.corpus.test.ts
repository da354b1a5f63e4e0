import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/api';
import type { SubmitOutcome, TaskPage, WorkflowIssue } from '../../src/shared/tasks';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { txt2img } from '../../harness/workflows';
import { badWorkflows, toleratedWorkflows } from './workflows.corpus';

/**
 * T1 through the real submit path: `engine.call('tasks.submit', …)` on an engine with a SQLite
 * ledger in a temp folder, exactly what IPC and the bridge forward. Every bad workflow gets a
 * typed error whose message names the node and input, and nothing is stored.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function total(): Promise<number> {
  const r = await h.engine.call('tasks.list', { limit: 1 });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as TaskPage).total;
}

function expectRefused(r: Result<unknown>, c: (typeof badWorkflows)[number]): void {
  expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(c.code);
  for (const m of c.mentions) expect(r.error.message).toContain(m);
  if (c.code === 'invalid_workflow') expect(r.error.message).toMatch(/^workflow rejected \(\d+ problems?\): /);
  if (c.issue) {
    const first = (r.error.details as { issues: WorkflowIssue[] }).issues[0];
    expect({ nodeId: first?.nodeId, input: first?.input }).toEqual(c.issue);
  }
}

describe('T1: bad workflows get a clear typed error and nothing is stored', () => {
  it('T1: the corpus holds at least 30 bad workflows', () => {
    expect(badWorkflows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(badWorkflows.map((c) => c.name)).size).toBe(badWorkflows.length);
  });

  it.each(badWorkflows.map((c) => [c.name, c] as const))('T1: tasks.submit refuses %s', async (_name, c) => {
    const before = await total();
    const r = await h.engine.call('tasks.submit', { workflow: c.workflow(), key: `k-${c.name}`, sessionId: 'hostile' });
    expectRefused(r, c);
    expect(await total()).toBe(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('T1, T8: a re-run with an edited workflow is checked the same way and creates nothing', async () => {
    const parent = (await h.submit({ workflow: txt2img(), sessionId: 'rerun-parent' })).task;
    const before = await total();
    for (const c of badWorkflows.filter((b) => ['link to a missing node', 'self-link', 'over 5 MB as data', 'a POST /prompt body ({prompt: graph}) says to unwrap it'].includes(b.name))) {
      const r = await h.engine.call('tasks.rerun', { id: parent.id, workflow: c.workflow() });
      expectRefused(r, c);
    }
    expect(await total()).toBe(before);
    await h.call('tasks.cancel', { id: parent.id });
  });

  it.each(toleratedWorkflows.map((c) => [c.name, c] as const))('T1: tolerated: %s', async (_name, c) => {
    const r = await h.engine.call('tasks.submit', { workflow: c.workflow(), sessionId: 'tolerated' });
    expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
    const { task } = (r as { ok: true; value: SubmitOutcome }).value;
    expect(await h.call('tasks.workflow', { id: task.id })).toEqual(c.stored);
    await h.call('tasks.cancel', { id: task.id });
  });

  it('T1: after the whole corpus the engine still takes a good workflow', async () => {
    const before = await total();
    const out = await h.submit({ workflow: txt2img(), key: 'after-the-corpus', sessionId: 'hostile' });
    expect(out.outcome).toBe('created');
    expect(await total()).toBe(before + 1);
  });
});
