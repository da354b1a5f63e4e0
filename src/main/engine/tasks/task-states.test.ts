import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskEvent, TaskStatus, TaskView } from '../../../shared/tasks';
import { applyEvent, replay } from './apply-event';
import { LedgerError } from './ledger-error';
import type { TaskChange } from './move-to';
import { MoveTo, planTransition } from './move-to';
import { ALLOWED_FROM, canMove, isTerminal, TASK_STATUSES, TERMINAL_STATUSES } from './task-states';

const created = (at = 1000): TaskEvent => ({ kind: 'created', type: 'default', sessionId: 's', key: null, mode: 'once', parentId: null, pinServerId: null, requirements: null, id: 1, taskId: 't', at, version: 1 });

const changes: Record<TaskStatus, TaskChange> = {
  queued: MoveTo.queued('server lost'),
  dispatched: MoveTo.dispatched('gpu-1', 'p'),
  running: MoveTo.running(),
  succeeded: MoveTo.succeeded(),
  failed: MoveTo.failed({ code: 'execution', message: 'x' }),
  cancelled: MoveTo.cancelled('operator'),
  interrupted: MoveTo.interrupted('restart'),
};

/** Plans and applies a change like the store does. */
function step(task: TaskView, change: TaskChange, at: number, id: number): { task: TaskView; event: TaskEvent } {
  const event = { ...planTransition(task, change), id, taskId: task.id, at, version: task.version + 1 } as TaskEvent;
  return { task: applyEvent(task, event), event };
}

function taskIn(status: TaskStatus): TaskView {
  let task = applyEvent(null, created());
  const path: Partial<Record<TaskStatus, TaskStatus[]>> = {
    dispatched: ['dispatched'],
    running: ['dispatched', 'running'],
    succeeded: ['dispatched', 'succeeded'],
    failed: ['failed'],
    cancelled: ['cancelled'],
    interrupted: ['dispatched', 'interrupted'],
  };
  for (const s of path[status] ?? []) task = step(task, changes[s], 2000, 0).task;
  return task;
}

describe('task state machine (T3)', () => {
  it('T3: the legal transitions are exactly the table, and nothing leaves a terminal state', () => {
    const legal = TASK_STATUSES.flatMap((from) => TASK_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`));
    expect(legal).toEqual([
      'queued→dispatched',
      'queued→failed',
      'queued→cancelled',
      'dispatched→queued',
      'dispatched→running',
      'dispatched→succeeded',
      'dispatched→failed',
      'dispatched→cancelled',
      'dispatched→interrupted',
      'running→queued',
      'running→succeeded',
      'running→failed',
      'running→cancelled',
      'running→interrupted',
    ]);
    for (const t of TERMINAL_STATUSES) expect(Object.values(ALLOWED_FROM).some((from) => (from as readonly string[]).includes(t))).toBe(false);
  });

  it('T3: planTransition refuses terminal tasks with `terminal` and other moves with `illegal_transition`', () => {
    for (const from of TASK_STATUSES) {
      const task = taskIn(from);
      expect(task.status).toBe(from);
      for (const to of TASK_STATUSES) {
        const run = () => planTransition(task, changes[to]);
        if (canMove(from, to)) expect(run().to).toBe(to);
        else expect(run).toThrow(expect.objectContaining({ code: isTerminal(from) ? 'terminal' : 'illegal_transition' }) as LedgerError);
      }
    }
  });

  it('T3: events rebuild the row; a dispatch numbers a new attempt; a requeue clears server and prompt', () => {
    const events: TaskEvent[] = [created(1000)];
    let task = applyEvent(null, events[0]!);
    const script: [TaskChange, number][] = [
      [MoveTo.dispatched('gpu-1', 'p1'), 1010],
      [MoveTo.running(), 1020],
      [MoveTo.queued('server lost'), 1030],
      [MoveTo.dispatched('gpu-2', 'p2'), 1040],
      [MoveTo.succeeded([{ nodeId: '9', filename: 'a.png', subfolder: '', type: 'output' }]), 1050],
    ];
    script.forEach(([change, at], i) => {
      const s = step(task, change, at, i + 2);
      task = s.task;
      events.push(s.event);
    });
    expect(task).toMatchObject({ status: 'succeeded', serverId: 'gpu-2', promptId: 'p2', attempt: 2, requeues: 1, version: 6, dispatchedAt: 1040, startedAt: null, endedAt: 1050 });
    expect(replay(events)).toEqual(task);
    expect(replay([])).toBeNull();
  });

  it('T3: a history with a skipped or repeated version, a second creation or a wrong `from` does not replay', () => {
    const a = created();
    const d = { ...planTransition(applyEvent(null, a), MoveTo.dispatched('g', 'p')), id: 2, taskId: 't', at: 1, version: 2 } as TaskEvent;
    expect(() => replay([a, { ...d, version: 3 }])).toThrow(/version 3 where 2 was due/);
    expect(() => replay([a, a])).toThrow(/second "created"/);
    expect(() => replay([d])).toThrow(/before "created"/);
    const wrongFrom = { kind: 'transition', from: 'running', to: 'succeeded', outputs: [], id: 2, taskId: 't', at: 1, version: 2 } as TaskEvent;
    expect(() => replay([a, wrongFrom])).toThrow(/from running while the task is queued/);
  });

  it('T3: any sequence of attempted changes keeps the machine legal: terminal is final, version counts accepted changes', () => {
    const targets = [...TASK_STATUSES];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...targets), { maxLength: 30 }), (tos) => {
        let task = applyEvent(null, created());
        let accepted = 0;
        let endedAs: TaskStatus | null = null;
        for (const to of tos) {
          try {
            task = step(task, changes[to], 2000, 0).task;
            accepted++;
            if (endedAs) return false; // something left a terminal state
            if (isTerminal(task.status)) endedAs = task.status;
          } catch (err) {
            if (!(err instanceof LedgerError)) throw err;
          }
        }
        return task.version === 1 + accepted && (endedAs === null || task.status === endedAs);
      }),
    );
  });
});
