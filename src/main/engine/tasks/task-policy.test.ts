import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../shared/tasks';
import { taskView } from '../../../../test/support/task-view';
import { afterServerLost, checkRerun, DEFAULT_POLICY, holdsClaim, outcomeAgainst, parsePolicy } from './task-policy';

const task = (over: Partial<TaskView>): TaskView => taskView({ id: 't1', type: 'order', sessionId: 's', key: 'k', createdAt: 0, updatedAt: 0, ...over });

describe('task policies (T2, T8, T9)', () => {
  it('T2: who holds a key — active tasks always, a `once` success forever, nothing else', () => {
    for (const s of ['queued', 'dispatched', 'running'] as const) {
      expect(holdsClaim('once', s)).toBe(true);
      expect(holdsClaim('rerunnable', s)).toBe(true);
    }
    expect(holdsClaim('once', 'succeeded')).toBe(true);
    expect(holdsClaim('rerunnable', 'succeeded')).toBe(false);
    for (const s of ['failed', 'cancelled', 'interrupted'] as const) expect(holdsClaim('once', s)).toBe(false);
  });

  it('T2: the outcome against the claimant — deduplicated (once), conflict (rerunnable), or a stale claim', () => {
    expect(outcomeAgainst('once', task({ status: 'running' }))).toBe('deduplicated');
    expect(outcomeAgainst('once', task({ status: 'succeeded' }))).toBe('deduplicated');
    expect(outcomeAgainst('rerunnable', task({ status: 'dispatched' }))).toBe('conflict');
    expect(outcomeAgainst('rerunnable', task({ status: 'succeeded' }))).toBe('stale_claim');
  });

  it('T8: re-running a `once` success needs force and a reason; anything else may be re-run', () => {
    expect(() => checkRerun(task({ status: 'succeeded' }), false, null)).toThrow(expect.objectContaining({ code: 'rerun_refused' }));
    expect(() => checkRerun(task({ status: 'succeeded' }), true, ' ')).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => checkRerun(task({ status: 'succeeded' }), true, 'customer asked')).not.toThrow();
    expect(() => checkRerun(task({ status: 'failed' }), false, null)).not.toThrow();
    expect(() => checkRerun(task({ status: 'succeeded', mode: 'rerunnable' }), false, null)).not.toThrow();
  });

  it('T9: after a server loss a task is requeued while its retry limit allows, then fails', () => {
    const policy = { ...DEFAULT_POLICY, retryLimit: 2 };
    expect(afterServerLost(policy, { requeues: 0 })).toBe('requeue');
    expect(afterServerLost(policy, { requeues: 1 })).toBe('requeue');
    expect(afterServerLost(policy, { requeues: 2 })).toBe('fail');
    expect(afterServerLost({ ...DEFAULT_POLICY, retryLimit: 0 }, { requeues: 0 })).toBe('fail');
  });

  it('T2: policies from outside are checked field by field', () => {
    expect(parsePolicy({ type: 'product-photo', mode: 'once', retryLimit: 3, failover: 'move' })).toEqual({ type: 'product-photo', mode: 'once', retryLimit: 3, failover: 'move' });
    expect(() => parsePolicy({ type: 'x', mode: 'once', retryLimit: -1, failover: 'move' })).toThrow(/retryLimit/);
    expect(() => parsePolicy({ type: 'x', mode: 'once', retryLimit: 1, failover: 'move', extra: 1 })).toThrow(/task policy rejected/);
  });
});
