import { afterEach, describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/shared/api';
import type { AuditPage, SubmitOutcome } from '../../src/shared/tasks';
import { modelFreeWorkflow, txt2imgWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const messages = async (id: string) => (await h.detail(id)).events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));

describe('idempotency through the engine (T2)', () => {
  it('T2: policy once — the same key while active or after success returns that task; after a failure a new one', async () => {
    h = await startHarness();
    await h.call('types.set', { type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const first = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), type: 'order', key: 'order-1' });
    const again = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), type: 'order', key: 'order-1' });
    expect(first.outcome).toBe('created');
    expect(again).toMatchObject({ outcome: 'deduplicated', task: { id: first.task.id } });
    await h.waitFor(first.task.id, ['succeeded']);
    expect(await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), type: 'order', key: 'order-1' })).toMatchObject({ outcome: 'deduplicated', task: { id: first.task.id, status: 'succeeded' } });

    const bad = modelFreeWorkflow({ seed: 2 });
    (bad['1'] as { inputs: Record<string, unknown> }).inputs['width'] = 0;
    const failing = await h.submit({ workflow: bad, type: 'order', key: 'order-2' });
    await h.waitFor(failing.task.id, ['failed']);
    const retry = await h.submit({ workflow: modelFreeWorkflow({ seed: 2 }), type: 'order', key: 'order-2' });
    expect(retry.outcome).toBe('created');
    expect(retry.task.id).not.toBe(failing.task.id);
    await h.waitFor(retry.task.id, ['succeeded']);
  });

  it('T2: policy rerunnable — the same key while active is a conflict naming the running task; after it ends a new task', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    a.pauseWorker();
    const first = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), key: 'render-7' });
    const clash = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), key: 'render-7' });
    expect(clash).toMatchObject({ outcome: 'conflict', task: { id: first.task.id } });
    a.resumeWorker();
    await h.waitFor(first.task.id, ['succeeded']);
    const next = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), key: 'render-7' });
    expect(next.outcome).toBe('created');
  });

  it('T2: ten concurrent submissions of one key through the engine make one task', async () => {
    h = await startHarness();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => h.submit({ workflow: modelFreeWorkflow({ seed: 5 }), key: 'order-x' })));
    expect(new Set(outcomes.map((o) => o.task.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
    expect((await h.call<{ total: number }>('tasks.list', {})).total).toBe(1);
  });
});

describe('cancel (T7)', () => {
  it('T7: a task waiting in our queue is removed from it at once', async () => {
    h = await startHarness();
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) });
    const r = await h.call<CancelResult>('tasks.cancel', { id: task.id, reason: 'not needed' });
    expect(r).toMatchObject({ state: 'done', task: { status: 'cancelled', error: { code: 'cancelled', message: 'not needed' } } });
    const audit = await h.call<AuditPage>('audit.list', {});
    expect(audit.items[0]).toMatchObject({ action: 'task.cancel', target: task.id, actor: 'operator', reason: 'not needed' });
  });

  it('T7: a task pending on its server is deleted there and never runs', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    a.pauseWorker();
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) });
    await h.waitFor(task.id, ['dispatched']);
    await until(() => a.queueDepth().pending === 1, 'pending on the server');
    const r = await h.call<CancelResult>('tasks.cancel', { id: task.id });
    expect(r.state).toBe('done');
    expect(a.queueDepth().pending).toBe(0);
    a.resumeWorker();
    await new Promise((res) => setTimeout(res, 200));
    expect(a.executions()).toHaveLength(0);
    expect((await h.task(task.id)).status).toBe('cancelled');
  });

  it('T7: a running task is interrupted on its server and ends cancelled', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a', { durations: { KSampler: 200 } });
    await h.addServer(a);
    const { task } = await h.submit({ workflow: txt2imgWorkflow({ steps: 50, seed: 9 }) });
    await h.waitFor(task.id, ['running']);
    const r = await h.call<CancelResult>('tasks.cancel', { id: task.id, reason: 'wrong prompt' });
    expect(r.state).toBe('requested');
    const done = await h.waitFor(task.id, ['cancelled']);
    expect(done.error?.message).toBe('wrong prompt');
    expect(a.executions().map((e) => e.outcome)).toEqual(['interrupted']);
  });

  it('T7: cancelling an ended task is refused with its state named', async () => {
    h = await startHarness();
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) });
    await h.call('tasks.cancel', { id: task.id });
    const again = await h.engine.call('tasks.cancel', { id: task.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'terminal' } });
    expect(!again.ok && again.error.message).toContain('already cancelled');
  });
});

describe('re-run (T8)', () => {
  it('T8: a re-run is a new task linked to the original, with the same or an edited workflow', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), key: 'k-1' });
    await h.waitFor(task.id, ['succeeded']);
    const rerun = await h.call<SubmitOutcome>('tasks.rerun', { id: task.id, workflow: modelFreeWorkflow({ seed: 2 }), reason: 'brighter' });
    expect(rerun).toMatchObject({ outcome: 'created', task: { parentId: task.id } });
    const done = await h.waitFor(rerun.task.id, ['succeeded']);
    expect(done.promptId).not.toBe((await h.task(task.id)).promptId);
    expect(a.executions()).toHaveLength(2);
  });

  it('T8: a once task that succeeded is re-run only when forced with a reason, and that is audited', async () => {
    h = await startHarness();
    await h.call('types.set', { type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), type: 'order', key: 'order-9' });
    await h.waitFor(task.id, ['succeeded']);
    const refused = await h.engine.call('tasks.rerun', { id: task.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rerun_refused' } });
    const forced = await h.call<SubmitOutcome>('tasks.rerun', { id: task.id, force: true, reason: 'customer paid for a second render' });
    expect(forced.outcome).toBe('created');
    await h.waitFor(forced.task.id, ['succeeded']);
    const audit = await h.call<AuditPage>('audit.list', { target: task.id });
    expect(audit.items.some((e) => e.reason === 'customer paid for a second render' && e.actor === 'operator')).toBe(true);
  });
});

describe('exactly-once submission and tracking (T4, T5)', () => {
  it('T4: a POST answered 500 is settled by asking the server; the prompt that never arrived is submitted again, and runs once', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    a.inject({ kind: 'http500', paths: ['/prompt'] });
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }) });
    await until(async () => (await messages(task.id)).some((m) => m.includes('unclear')), 'an unclear submission');
    await a.lift('http500');
    const done = await h.waitFor(task.id, ['succeeded']);
    expect(a.executions().map((e) => e.promptId)).toEqual([done.promptId]);
    expect(await messages(task.id)).toEqual(expect.arrayContaining([expect.stringMatching(/never reached gpu-a .* submitting it again/)]));
  });

  it('T4: a POST that was never delivered (server down) goes back to the queue and runs elsewhere, without a may-run-twice warning', async () => {
    // gpu-a must still look usable when the task is placed: failures only degrade it here.
    h = await startHarness({ engine: { health: { failuresToUnhealthy: 1_000 } } });
    const a = await h.sim('gpu-a');
    const b = await h.sim('gpu-b');
    const aId = await h.addServer(a, 1);
    await h.addServer(b, 1);
    b.pauseWorker();
    // gpu-b is busy with a long queue of its own; gpu-a takes the task, but dies in between.
    const { task: blocker } = await h.submit({ workflow: modelFreeWorkflow({ seed: 100 }), pinServerId: 'gpu-b', sessionId: 'other' });
    await h.waitFor(blocker.id, ['dispatched']);
    a.inject({ kind: 'crash' });
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 1 }), sessionId: 'mine' });
    b.resumeWorker();
    const done = await h.waitFor(task.id, ['succeeded']);
    const detail = await h.detail(task.id);
    expect(detail.attempts[0]).toMatchObject({ serverId: aId, outcome: 'requeued' });
    expect(detail.attempts[0]?.detail).toMatch(/^not delivered to gpu-a: server "gpu-a" POST \/prompt: cannot connect/);
    expect(done.serverId).not.toBe(aId);
    expect((await messages(task.id)).some((m) => m.includes('may run twice'))).toBe(false);
    expect(b.executions().filter((e) => e.promptId === done.promptId)).toHaveLength(1);
  });

  it('T5: with no socket at all, the watchdog reads /history when events stop, and the task ends', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    await h.addServer(a);
    // The socket is cut and cannot come back: not one event of the job reaches the console.
    a.inject({ kind: 'http500', paths: ['/ws'] });
    a.dropSockets();
    await until(() => h.engine.snapshot().servers[0]?.socket.state !== 'open', 'socket down');
    const { task } = await h.submit({ workflow: modelFreeWorkflow({ seed: 3 }) });
    const done = await h.waitFor(task.id, ['succeeded']);
    expect(done.outputs).toHaveLength(1);
    expect(h.engine.snapshot().servers[0]?.socket.state).not.toBe('open');
  });

  it('T5: events missed while the socket was down are recovered from /history right after the reconnect', async () => {
    h = await startHarness({ ledger: { tracker: { quietMs: 60_000 } } });
    const a = await h.sim('gpu-a', { durations: { KSampler: 60 } });
    await h.addServer(a);
    const { task } = await h.submit({ workflow: txt2imgWorkflow({ steps: 8, seed: 4 }) });
    await h.waitFor(task.id, ['running']);
    a.inject({ kind: 'http500', paths: ['/ws'] });
    a.dropSockets();
    // The job ends while the console has no socket; the quiet watchdog is a minute away.
    await until(() => a.executions().length === 1, 'the job ended on the server');
    expect((await h.task(task.id)).status).toBe('running');
    await a.lift('http500');
    const done = await h.waitFor(task.id, ['succeeded'], 30_000);
    expect(done.outputs).toHaveLength(1);
  });
});

describe('a server that refuses every submission (B2, T4)', () => {
  it('T4: tasks do not bounce on a server whose probes answer but whose POST /prompt fails: it cools down and the others take the work', async () => {
    h = await startHarness();
    const a = await h.sim('gpu-a');
    const b = await h.sim('gpu-b');
    const aId = await h.addServer(a);
    const bId = await h.addServer(b);
    a.inject({ kind: 'http500', paths: ['/prompt'] });
    const submitted = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => h.submit({ workflow: modelFreeWorkflow({ seed }), sessionId: `s-${seed}` })));
    const done = await Promise.all(submitted.map((o) => h.waitFor(o.task.id, ['succeeded'], 15_000)));
    expect(done.every((t) => t.serverId === bId)).toBe(true);
    expect(a.executions()).toHaveLength(0);
    // Each task ran exactly once, on gpu-b, whatever it went through on gpu-a.
    for (const t of done) expect(b.executions().filter((e) => e.promptId === t.promptId)).toHaveLength(1);
    const attemptsOnA = (await Promise.all(done.map((t) => h.detail(t.id)))).flatMap((d) => d.attempts.filter((x) => x.serverId === aId));
    expect(attemptsOnA.every((x) => x.outcome === 'requeued')).toBe(true);
  });
});
