import { describe, expect, it } from 'vitest';
import type { DeltaBatch, ServerView } from '../../../shared/fleet';
import { DeltaBatcher } from './delta-batcher';
import { ManualClock } from '../../../../harness/manual-clock';
import { serverView, withQueue } from '../../../../test/support/server-view';

const server = (id: string, total: number): ServerView => withQueue(serverView(id, { name: id }), Math.min(1, total), Math.max(0, total - 1), 0);

describe('delta batching', () => {
  it('coalesces many updates of one server into its latest state, one batch per interval, seq +1 each', () => {
    const clock = new ManualClock();
    const batcher = new DeltaBatcher(clock, 50);
    const batches: DeltaBatch[] = [];
    batcher.onBatch((b) => batches.push(b));
    for (let i = 0; i < 100; i++) batcher.push({ type: 'server.upsert', server: server('a', i) });
    batcher.push({ type: 'server.upsert', server: server('b', 1) });
    clock.advance(49);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.seq).toBe(1);
    expect(batches[0]?.deltas).toEqual([
      { type: 'server.upsert', server: server('a', 99) },
      { type: 'server.upsert', server: server('b', 1) },
    ]);
    batcher.push({ type: 'server.removed', id: 'a' });
    clock.advance(50);
    expect(batches.map((b) => b.seq)).toEqual([1, 2]);
    expect(batches[1]?.deltas).toEqual([{ type: 'server.removed', id: 'a' }]);
    clock.advance(500);
    expect(batches).toHaveLength(2);
  });
});
