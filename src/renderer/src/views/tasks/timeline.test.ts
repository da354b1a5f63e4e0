import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../../shared/tasks';
import { timelineLines } from './timeline';

const base = { taskId: 't1', version: 1 };

describe('timelineLines (U3 event timeline)', () => {
  it('orders oldest first, folds progress runs and keeps warnings visible', () => {
    const events: TaskEvent[] = [
      { ...base, id: 5, at: 50, kind: 'message', level: 'warning', text: 'server gpu-a lost; requeued, the task may run twice' },
      { ...base, id: 1, at: 10, kind: 'created', type: 'default', sessionId: 's', key: 'k1', mode: 'once', parentId: 'p0', pinServerId: null, requirements: null },
      { ...base, id: 2, at: 20, kind: 'transition', from: 'queued', to: 'dispatched', serverId: 'gpu-a', promptId: 'pr1', attempt: 1 },
      { ...base, id: 3, at: 30, kind: 'progress', progress: { value: 1, max: 20, nodeId: '3' } },
      { ...base, id: 4, at: 40, kind: 'progress', progress: { value: 2, max: 20, nodeId: '3' } },
      { ...base, id: 6, at: 60, kind: 'transition', from: 'running', to: 'failed', error: { code: 'validation', message: 'bad node 3' } },
    ];
    const lines = timelineLines(events, (id) => (id === 'gpu-a' ? 'GPU A' : id));
    expect(lines.map((l) => [l.id, l.level])).toEqual([
      [1, 'info'],
      [2, 'info'],
      [4, 'info'],
      [5, 'warning'],
      [6, 'error'],
    ]);
    expect(lines[0]?.text).toContain('re-run of p0');
    expect(lines[1]?.text).toContain('on GPU A (attempt 1');
    expect(lines[2]?.text).toBe('progress 2/20 (node 3) (2 updates)');
    expect(lines[3]?.text).toContain('may run twice');
  });
});
