import { describe, expect, it } from 'vitest';
import type { ServerId } from '../../../shared/fleet';
import type { TaskId } from '../../../shared/tasks';
import { ManualClock } from '../../../../harness/manual-clock';
import { serverView } from '../../../../test/support/server-view';
import { taskView } from '../../../../test/support/task-view';
import type { Store } from '../store/store';
import { DEFAULT_POLICY } from '../tasks/task-policy';
import { expectedFinishTime } from './balancer';
import type { DispatchLimitValues } from './dispatch-options';
import type { Committed } from './dispatch-pump';
import { DispatchPump } from './dispatch-pump';
import { ServerBook } from './server-book';
import { TaskQueue } from './task-queue';
import { TaskTable } from './task-table';

/** The pump with every port but submission real or trivial; submission records what it was given. */
function setup(limits: Partial<DispatchLimitValues> = {}, servers = [serverView('a'), serverView('b'), serverView('c')]) {
  const clock = new ManualClock();
  // The pump only reads and annotates live tasks; nothing here writes the ledger.
  const table = new TaskTable({} as Store, clock);
  const queue = new TaskQueue(() => 1_000);
  const book = new ServerBook();
  const commits: { id: TaskId; serverId: ServerId }[] = [];
  let answer: (id: TaskId, serverId: ServerId) => Committed = () => 'committed';
  const pump = new DispatchPump({
    queue,
    table,
    fleet: { list: () => servers },
    locks: { get: () => null },
    policies: { policyOf: () => DEFAULT_POLICY },
    book,
    capabilities: { request: () => undefined },
    balancer: expectedFinishTime,
    submission: {
      commit: async (id, serverId) => {
        commits.push({ id, serverId });
        const r = answer(id, serverId);
        if (r === 'put-back') book.release(serverId, id);
        return r;
      },
    },
    // A writable ledger: backing off is tested with a real unwritable one (test/dispatch/ledger-backoff.test.ts).
    ledger: { holdMs: () => null, reason: null, startDispatch: () => false, probeDone: () => undefined },
    limits: { maxQueued: 1_000, submitsPerSecond: 50, submitBurst: 50, ...limits },
    clock,
    random: () => 0.5,
  });
  let made = 0;
  const add = (n: number) =>
    Array.from({ length: n }, () => {
      made++;
      const t = table.adopt(taskView({ id: `t${made}`, sessionId: `s${made}` }), null);
      pump.enqueue(t, false);
      return t;
    });
  return { clock, table, queue, book, pump, commits, add, answer: (fn: typeof answer) => (answer = fn) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('the dispatch pump (B1, B3, B4)', () => {
  it('B3: tasks queued together spread over idle servers within one pass; the rest wait for a slot', () => {
    const { clock, table, commits, add } = setup();
    const tasks = add(7);
    clock.advance(0);
    const perServer = new Map<string, number>();
    for (const c of commits) perServer.set(c.serverId, (perServer.get(c.serverId) ?? 0) + 1);
    expect([...perServer.values()]).toEqual([2, 2, 2]);
    expect(table.get(tasks[6]?.view.id ?? '')?.waiting).toBe('waiting for a server to free a slot');
  });

  it('B1: a freed slot is taken by the next waiting task only when the pump is woken', () => {
    const { clock, book, pump, commits, add } = setup({}, [serverView('a', { maxInFlight: 1 })]);
    add(2);
    clock.advance(0);
    expect(commits.map((c) => c.id)).toEqual(['t1']);
    book.release('a', 't1');
    clock.advance(0);
    expect(commits).toHaveLength(1);
    pump.schedule();
    clock.advance(0);
    expect(commits.map((c) => c.id)).toEqual(['t1', 't2']);
  });

  it('a choice that went stale puts the task back ahead of new ones, and it is placed again', async () => {
    const { clock, queue, commits, add, answer } = setup({}, [serverView('a', { maxInFlight: 1 })]);
    answer((id) => (id === 't1' && commits.length === 1 ? 'put-back' : 'committed'));
    add(1);
    clock.advance(0);
    add(1);
    await flush();
    expect(queue.inOrder()).toEqual(['t1', 't2']);
    clock.advance(0);
    expect(commits.map((c) => c.id)).toEqual(['t1', 't1']);
    expect(queue.inOrder()).toEqual(['t2']);
  });

  it('B4: beyond the submission rate a task waits, with the reason, until a token is there', () => {
    const { clock, table, commits, add } = setup({ submitsPerSecond: 1, submitBurst: 1 });
    const [, second] = add(2);
    clock.advance(0);
    expect(commits).toHaveLength(1);
    expect(table.get(second?.view.id ?? '')?.waiting).toBe('rate limit: 1 submissions/s');
    clock.advance(1_000);
    expect(commits).toHaveLength(2);
  });
});
