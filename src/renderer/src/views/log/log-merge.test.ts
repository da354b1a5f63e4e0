import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../shared/api';
import { isAtBottom, mergeLog, targetIsTask } from './log-merge';

const line = (seq: number, text = `l${seq}`): LogLine => ({ seq, at: seq, level: 'info', text });

describe('U7: the live log', () => {
  it('merges the tail and the live lines by seq, each once, in order', () => {
    expect(mergeLog([line(3), line(1), line(2)], [line(2), line(4)]).map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(mergeLog([], [])).toEqual([]);
  });

  it('keeps only the newest lines', () => {
    const tail = Array.from({ length: 10 }, (_, i) => line(i + 1));
    expect(mergeLog(tail, [line(11)], 5).map((l) => l.seq)).toEqual([7, 8, 9, 10, 11]);
  });

  it('follows new lines only while scrolled to the end', () => {
    expect(isAtBottom({ scrollTop: 580, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtBottom({ scrollTop: 100, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });

  it('links task actions to the task', () => {
    expect(targetIsTask('task.cancel')).toBe(true);
    expect(targetIsTask('lock.force_release')).toBe(false);
  });
});
