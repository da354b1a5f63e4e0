import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/fleet';
import { deltasEvent, snapshot, snapshotEvent } from '../testing/fixtures';
import { createPrimedListener } from './primed-listener';

const seqs = (events: HostEvent[]): string[] => events.map((e) => (e.type === 'snapshot' ? `S${e.snapshot.seq}` : `D${e.batch.seq}`));

describe('createPrimedListener', () => {
  it('holds deltas until a fetched snapshot, then delivers only the newer ones', () => {
    const got: HostEvent[] = [];
    const listener = createPrimedListener((e) => got.push(e));
    listener.push(deltasEvent(4));
    listener.push(deltasEvent(5));
    listener.push(deltasEvent(6));
    expect(got).toEqual([]);
    listener.prime(snapshot(5, []));
    listener.push(deltasEvent(7));
    expect(seqs(got)).toEqual(['S5', 'D6', 'D7']);
  });

  it('a snapshot in the stream primes it and makes a later fetched one redundant', () => {
    const got: HostEvent[] = [];
    const listener = createPrimedListener((e) => got.push(e));
    listener.push(deltasEvent(1));
    listener.push(snapshotEvent(2, []));
    listener.prime(snapshot(1, []));
    listener.push(deltasEvent(2));
    listener.push(deltasEvent(3));
    expect(seqs(got)).toEqual(['S2', 'D3']);
  });

  it('a later snapshot in the stream resets the seq, even downwards', () => {
    const got: HostEvent[] = [];
    const listener = createPrimedListener((e) => got.push(e));
    listener.prime(snapshot(50, []));
    listener.push(snapshotEvent(0, []));
    listener.push(deltasEvent(1));
    expect(seqs(got)).toEqual(['S50', 'S0', 'D1']);
  });
});
