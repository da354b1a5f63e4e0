import { describe, expect, it } from 'vitest';
import { deltasEvent, removed, server, snapshotEvent, upsert, withQueue } from '../../../../testing/fixtures';
import { initialLiveState, type LiveState } from './initialState';
import { applyHostEvent } from './reducer';

const a = server('a');
const b = server('b');
const c = server('c');

function live(seq = 5): LiveState {
  return applyHostEvent(initialLiveState, snapshotEvent(seq, [a, b, c]));
}

describe('applyHostEvent', () => {
  it('U1: a snapshot replaces everything and sets the order', () => {
    const before = applyHostEvent(initialLiveState, snapshotEvent(1, [c]));
    const state = applyHostEvent(before, snapshotEvent(9, [b, a]));
    expect(state.seq).toBe(9);
    expect(state.sync).toBe('live');
    expect(state.order).toEqual(['b', 'a']);
    expect(Object.keys(state.byId).sort()).toEqual(['a', 'b']);
  });

  it('U1: a delta batch updates one server\'s counts and keeps the order', () => {
    const before = live(5);
    const state = applyHostEvent(before, deltasEvent(6, upsert(withQueue(b, 1, 4))));
    expect(state.seq).toBe(6);
    expect(state.order).toBe(before.order);
    expect(state.byId.b?.queue).toMatchObject({ running: 1, pending: 4 });
    // Untouched servers keep their identity, so their memoised cards skip rendering.
    expect(state.byId.a).toBe(before.byId.a);
    expect(state.byId.c).toBe(before.byId.c);
  });

  it('F1: a server added by an upsert is appended to the order', () => {
    const d = server('d');
    const state = applyHostEvent(live(5), deltasEvent(6, upsert(d)));
    expect(state.order).toEqual(['a', 'b', 'c', 'd']);
    expect(state.byId.d).toBe(d);
  });

  it('F1: a removed server leaves the order and the map', () => {
    const state = applyHostEvent(live(5), deltasEvent(6, removed('b')));
    expect(state.order).toEqual(['a', 'c']);
    expect(state.byId.b).toBeUndefined();
  });

  it('applies several deltas of one batch in order', () => {
    const d = server('d');
    const state = applyHostEvent(live(5), deltasEvent(6, upsert(d), removed('a'), upsert(withQueue(d, 1, 0))));
    expect(state.order).toEqual(['b', 'c', 'd']);
    expect(state.byId.d?.queue?.running).toBe(1);
  });

  it('removing an unknown server changes nothing but the seq', () => {
    const before = live(5);
    const state = applyHostEvent(before, deltasEvent(6, removed('zzz')));
    expect(state.seq).toBe(6);
    expect(state.byId).toBe(before.byId);
    expect(state.order).toBe(before.order);
  });

  it('ignores a stale batch (seq at or below the current one) and returns the same state', () => {
    const before = live(5);
    expect(applyHostEvent(before, deltasEvent(5, removed('a')))).toBe(before);
    expect(applyHostEvent(before, deltasEvent(3, removed('a')))).toBe(before);
  });

  it('ignores deltas that come before any snapshot', () => {
    expect(applyHostEvent(initialLiveState, deltasEvent(1, upsert(a)))).toBe(initialLiveState);
  });

  it('detects a gap in seq, does not apply the batch and asks for a resync', () => {
    const before = live(5);
    const state = applyHostEvent(before, deltasEvent(7, removed('a')));
    expect(state.sync).toBe('resyncing');
    expect(state.seq).toBe(5);
    expect(state.order).toEqual(['a', 'b', 'c']);
  });

  it('while resyncing, holds newer batches and replays those that continue the fresh snapshot', () => {
    let state = applyHostEvent(live(5), deltasEvent(7, upsert(withQueue(a, 9, 9))));
    state = applyHostEvent(state, deltasEvent(8, upsert(withQueue(b, 2, 3))));
    state = applyHostEvent(state, deltasEvent(9, removed('c')));
    expect(state.order).toEqual(['a', 'b', 'c']);
    // The snapshot already includes batch 7; 8 and 9 continue it.
    state = applyHostEvent(state, snapshotEvent(7, [withQueue(a, 1, 1), b, c]));
    expect(state.sync).toBe('live');
    expect(state.seq).toBe(9);
    expect(state.held).toEqual([]);
    expect(state.order).toEqual(['a', 'b']);
    expect(state.byId.a?.queue?.running).toBe(1);
    expect(state.byId.b?.queue?.pending).toBe(3);
  });

  it('a fresh snapshot drops held batches that do not continue it (e.g. a restarted host)', () => {
    let state = applyHostEvent(live(100), deltasEvent(102, removed('a')));
    state = applyHostEvent(state, snapshotEvent(3, [a, b]));
    expect(state).toMatchObject({ sync: 'live', seq: 3, order: ['a', 'b'], held: [] });
    state = applyHostEvent(state, deltasEvent(4, removed('b')));
    expect(state.order).toEqual(['a']);
  });
});
