import { describe, expect, it } from 'vitest';
import { deltasEvent, lock, lockRemoved, lockUpsert, logLine, server, snapshotEvent, task, taskUpsert } from '../../../../testing/fixtures';
import { initialLiveState, LIVE_FINISHED_KEPT, LOG_LINES_KEPT, type LiveState } from './initialState';
import { applyHostEvent, applyHostEvents } from './reducer';
import { selectLiveTasks, selectLocks } from './selectors';

function live(seq = 1): LiveState {
  return applyHostEvent(initialLiveState, snapshotEvent(seq, [server('a')]));
}

describe('applyHostEvent: locks, counts, tasks and log in the same seq stream', () => {
  it('L5: locks come from the snapshot and follow lock deltas', () => {
    let state = applyHostEvent(initialLiveState, {
      type: 'snapshot',
      snapshot: { seq: 1, at: 1, servers: [], locks: [lock('s1', 'a')], counts: null },
    });
    expect(Object.keys(state.locks)).toEqual(['s1']);
    state = applyHostEvent(state, deltasEvent(2, lockUpsert(lock('s2', 'a', { acquiredAt: 500 })), lockUpsert(lock('s1', 'a', { state: 'stuck', stuckReason: 'gpu-a unhealthy' }))));
    expect(selectLocks(state).map((l) => [l.sessionId, l.state])).toEqual([
      ['s2', 'held'],
      ['s1', 'stuck'],
    ]);
    const before = state;
    state = applyHostEvent(state, deltasEvent(3, lockRemoved('s2'), lockRemoved('nobody')));
    expect(Object.keys(state.locks)).toEqual(['s1']);
    expect(selectLocks(state)).not.toBe(selectLocks(before));
  });

  it('S4: task counts follow tasks.counts deltas', () => {
    const counts = { queued: 2, dispatched: 0, running: 1, succeeded: 5, failed: 0, cancelled: 0, interrupted: 0 };
    const state = applyHostEvent(live(), deltasEvent(2, { type: 'tasks.counts', counts }));
    expect(state.counts).toEqual(counts);
  });

  it('U2: task upserts keep the newest version of each task; an older one is ignored', () => {
    let state = applyHostEvent(live(), deltasEvent(2, taskUpsert(task({ id: 't1', version: 3, status: 'running' }))));
    const v = state.tasksVersion;
    state = applyHostEvent(state, deltasEvent(3, taskUpsert(task({ id: 't1', version: 2, status: 'queued' }))));
    expect(state.tasks.t1?.status).toBe('running');
    expect(state.tasksVersion).toBe(v);
    state = applyHostEvent(state, deltasEvent(4, taskUpsert(task({ id: 't1', version: 4, status: 'succeeded' })), taskUpsert(task({ id: 't2', createdAt: 9 }))));
    expect(selectLiveTasks(state).map((t) => [t.id, t.status])).toEqual([
      ['t2', 'queued'],
      ['t1', 'succeeded'],
    ]);
  });

  it('U2: finished tasks are bounded; unfinished ones are all kept', () => {
    const deltas = [];
    for (let i = 0; i < LIVE_FINISHED_KEPT * 2; i++) deltas.push(taskUpsert(task({ id: `f${i}`, status: 'succeeded', updatedAt: i })));
    for (let i = 0; i < 10; i++) deltas.push(taskUpsert(task({ id: `q${i}`, status: 'queued', updatedAt: -1 })));
    const state = applyHostEvent(live(), deltasEvent(2, ...deltas));
    const ids = Object.keys(state.tasks);
    expect(ids.length).toBe(LIVE_FINISHED_KEPT + 10);
    expect(state.tasks.q0).toBeDefined();
    // The newest finished ones stay.
    expect(state.tasks[`f${LIVE_FINISHED_KEPT * 2 - 1}`]).toBeDefined();
    expect(state.tasks.f0).toBeUndefined();
  });

  it('U7: log lines are appended in order and bounded', () => {
    let state = live();
    const lines = [];
    for (let i = 1; i <= LOG_LINES_KEPT + 5; i++) lines.push(logLine(i, `line ${i}`));
    state = applyHostEvent(state, deltasEvent(2, ...lines));
    expect(state.log).toHaveLength(LOG_LINES_KEPT);
    expect(state.log.at(-1)?.text).toBe(`line ${LOG_LINES_KEPT + 5}`);
    expect(state.log[0]?.seq).toBe(6);
  });

  it('a resync snapshot replaces servers and locks but keeps the tasks and log already seen', () => {
    let state = applyHostEvent(live(), deltasEvent(2, taskUpsert(task({ id: 't1' })), logLine(1, 'hello'), lockUpsert(lock('s1', 'a'))));
    state = applyHostEvent(state, deltasEvent(9));
    expect(state.sync).toBe('resyncing');
    state = applyHostEvent(state, snapshotEvent(9, [server('b')]));
    expect(state).toMatchObject({ sync: 'live', seq: 9, order: ['b'], locks: {} });
    expect(state.tasks.t1).toBeDefined();
    expect(state.log.map((l) => l.text)).toEqual(['hello']);
  });

  it('applyHostEvents applies a run of events like one at a time', () => {
    const events = [snapshotEvent(1, [server('a')]), deltasEvent(2, taskUpsert(task({ id: 't1' }))), deltasEvent(3, lockUpsert(lock('s', 'a')))];
    let oneByOne = initialLiveState;
    for (const e of events) oneByOne = applyHostEvent(oneByOne, e);
    expect(applyHostEvents(initialLiveState, events)).toEqual(oneByOne);
  });
});
