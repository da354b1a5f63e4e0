import { afterEach, describe, expect, it, vi } from 'vitest';
import { deltasEvent, server, snapshotEvent, task, taskUpsert, upsert } from '../testing/fixtures';
import { initialLiveState, type LiveState } from '../store/fleet/slices/live/initialState';
import { applyHostEvent } from '../store/fleet/slices/live/reducer';
import type { ServerView } from '../../../shared/fleet';
import { createCoalescer, detectEvents, summarize, type NotificationSpec, type NotifyEvent } from './decide';

const unhealthy = (s: ServerView): ServerView => ({ ...s, health: { ...s.health, state: 'unhealthy', reason: 'GET /queue refused (2 in a row)' } });

function live(...servers: ServerView[]): LiveState {
  return applyHostEvent(initialLiveState, snapshotEvent(1, servers));
}

describe('U8: what to notify', () => {
  it('a server turning unhealthy notifies once; staying unhealthy does not', () => {
    const a = server('a', { name: 'gpu-a' });
    const s1 = live(a, server('b'));
    const s2 = applyHostEvent(s1, deltasEvent(2, upsert(unhealthy(a))));
    expect(detectEvents(s1, s2)).toEqual([{ kind: 'server-unhealthy', id: 'a', name: 'gpu-a', reason: 'GET /queue refused (2 in a row)' }]);
    const s3 = applyHostEvent(s2, deltasEvent(3, upsert({ ...unhealthy(a), inFlight: 1 })));
    expect(detectEvents(s2, s3)).toEqual([]);
  });

  it('a server first seen unhealthy (first snapshot, a new server) is not a transition', () => {
    const first = live(unhealthy(server('a')));
    expect(detectEvents(initialLiveState, first)).toEqual([]);
    const added = applyHostEvent(first, deltasEvent(2, upsert(unhealthy(server('c')))));
    expect(detectEvents(first, added)).toEqual([]);
  });

  it('a task reaching failed notifies once, not when its terminal upsert repeats', () => {
    const s1 = applyHostEvent(live(server('a')), deltasEvent(2, taskUpsert(task({ id: 't1', status: 'running', version: 2 }))));
    const failed = task({ id: 't1', status: 'failed', version: 3, error: { code: 'execution', message: 'KSampler: out of memory' } });
    const s2 = applyHostEvent(s1, deltasEvent(3, taskUpsert(failed)));
    expect(detectEvents(s1, s2)).toEqual([{ kind: 'task-failed', id: 't1', type: 'default', message: 'KSampler: out of memory' }]);
    const s3 = applyHostEvent(s2, deltasEvent(4, taskUpsert(failed)));
    expect(detectEvents(s2, s3)).toEqual([]);
    const s4 = applyHostEvent(s3, deltasEvent(5, taskUpsert(task({ id: 't2', status: 'succeeded' }))));
    expect(detectEvents(s3, s4)).toEqual([]);
  });

  it('a burst is summarised as one notification per kind, linking to the task or the list', () => {
    const fail = (id: string, type = 'default'): NotifyEvent => ({ kind: 'task-failed', id, type, message: 'boom' });
    expect(summarize([fail('abcdef123456')])).toEqual([{ tag: 'comfyfleet-task', title: 'Task abcdef12 (default) failed', body: 'boom', href: '#/tasks/abcdef123456' }]);
    const many = summarize([fail('1'), fail('2', 'photo'), fail('3'), fail('4'), fail('5')]);
    expect(many).toEqual([{ tag: 'comfyfleet-task', title: '5 tasks failed', body: 'types: default, photo', href: '#/tasks' }]);
    const servers = summarize([
      { kind: 'server-unhealthy', id: 'a', name: 'gpu-a', reason: 'x' },
      { kind: 'server-unhealthy', id: 'b', name: 'gpu-b', reason: 'y' },
    ]);
    expect(servers[0]).toMatchObject({ title: '2 servers are unhealthy', body: 'gpu-a, gpu-b', href: '#/fleet' });
  });
});

describe('U8: never spam', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst within the window and keeps batches at least minGap apart', () => {
    vi.useFakeTimers();
    const shown: NotificationSpec[] = [];
    const c = createCoalescer((s) => shown.push(s), { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) }, { windowMs: 1000, minGapMs: 10_000 });
    const fail = (id: string): NotifyEvent => ({ kind: 'task-failed', id, type: 'default', message: 'boom' });
    c.push([fail('1')]);
    vi.advanceTimersByTime(500);
    c.push([fail('2'), fail('3')]);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(shown.map((s) => s.title)).toEqual(['3 tasks failed']);
    c.push([fail('4')]);
    vi.advanceTimersByTime(5_000);
    expect(shown).toHaveLength(1);
    c.push([fail('5')]);
    vi.advanceTimersByTime(5_000);
    expect(shown.map((s) => s.title)).toEqual(['3 tasks failed', '2 tasks failed']);
    c.push([]);
    vi.advanceTimersByTime(60_000);
    expect(shown).toHaveLength(2);
  });
});
