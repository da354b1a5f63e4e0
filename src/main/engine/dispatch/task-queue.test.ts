import { describe, expect, it } from 'vitest';
import { EngineError } from '../core/engine-error';
import { TaskQueue } from './task-queue';

describe('the console queue (B1, B4)', () => {
  it('B1: requeued tasks come before new ones, each in the order they came', () => {
    const q = new TaskQueue(() => 10);
    q.add('new-1', false);
    q.add('retry-1', true);
    q.add('new-2', false);
    q.add('retry-2', true);
    expect(q.inOrder()).toEqual(['retry-1', 'retry-2', 'new-1', 'new-2']);
    q.remove('retry-1');
    q.remove('new-2');
    expect(q.inOrder()).toEqual(['retry-2', 'new-1']);
    expect(q.size).toBe(2);
  });

  it('B4: beyond the limit a new task is refused as queue_full, naming the count and the limit', () => {
    let limit = 2;
    const q = new TaskQueue(() => limit);
    q.admit();
    q.add('a', false);
    q.add('b', true);
    const err = (() => {
      try {
        q.admit();
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'queue_full', message: 'queue full: 2 tasks are waiting (limit 2); retry later or raise the limit in Settings' });
    limit = 3;
    expect(() => q.admit()).not.toThrow();
  });
});
