import { describe, expect, it } from 'vitest';
import type { Candidate } from './balancer';
import { expectedFinishTime, leastLoad, leastQueueByPoll, roundRobin } from './balancer';
import { Ewma } from './ewma';
import { TokenBucket } from './token-bucket';

const c = (id: string, load: number, meanRunMs: number | null = null, lastDispatchAt = 0): Candidate => ({ id, name: id, load, inFlight: 0, maxInFlight: 2, meanRunMs, lastDispatchAt });
const ctx = { now: 0, random: () => 0.5 };

describe('balancer strategies (B2)', () => {
  it('B2: picks the lowest expected finish time (load + 1) × mean run time', () => {
    // gpu-fast has more queued but runs 4× faster: (3+1)×1000 < (0+1)×4000+
    expect(expectedFinishTime.choose([c('slow', 0, 4_100), c('fast', 3, 1_000)], ctx).id).toBe('fast');
    expect(expectedFinishTime.choose([c('slow', 0, 3_900), c('fast', 3, 1_000)], ctx).id).toBe('slow');
  });

  it('B2: without measurements falls back to the lowest load; an unmeasured server counts as average', () => {
    expect(expectedFinishTime.choose([c('a', 2), c('b', 1), c('c', 3)], ctx).id).toBe('b');
    // b is unmeasured: assumed (2000+1000)/2 = 1500 ms → (0+1)×1500 < (1+1)×1000
    expect(expectedFinishTime.choose([c('a', 1, 1_000), c('b', 0), c('c', 1, 2_000)], ctx).id).toBe('b');
  });

  it('B2: ties go to the least recently used server', () => {
    expect(expectedFinishTime.choose([c('a', 0, 1_000, 50), c('b', 0, 1_000, 10), c('c', 0, 1_000, 30)], ctx).id).toBe('b');
    expect(leastLoad.choose([c('a', 1, null, 5), c('b', 1, null, 1)], ctx).id).toBe('b');
  });

  it('B3: counting each dispatch against its server at once spreads 100 tasks 34/33/33', () => {
    const servers = [c('a', 0, 1_000), c('b', 0, 1_000), c('c', 0, 1_000)];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let t = 1; t <= 100; t++) {
      const pick = expectedFinishTime.choose(servers, { ...ctx, now: t });
      pick.load++;
      pick.lastDispatchAt = t;
      counts[pick.id] = (counts[pick.id] ?? 0) + 1;
    }
    expect(Object.values(counts).sort()).toEqual([33, 33, 34]);
  });

  it('round-robin cycles over eligible servers in a fixed order', () => {
    const rr = roundRobin();
    const picks = [0, 1, 2, 3].map(() => rr.choose([c('b', 0), c('a', 9), c('c', 0)], ctx).id);
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
    expect(rr.choose([c('a', 0), c('c', 0)], ctx).id).toBe('c');
  });

  it('the field report’s 30 s poll keeps sending to the server that looked emptiest until the next poll', () => {
    const poll = leastQueueByPoll(30_000);
    const a = c('a', 0);
    const b = c('b', 1);
    for (let i = 0; i < 5; i++) {
      const pick = poll.choose([a, b], { ...ctx, now: 1_000 * i });
      expect(pick.id).toBe('a');
      pick.load++;
    }
    expect(poll.choose([a, b], { ...ctx, now: 30_000 }).id).toBe('b');
    // Ties (a stale poll of idle servers) go to the first in list order, as in the report.
    const tie = leastQueueByPoll(30_000);
    expect([0, 1, 2].map((i) => tie.choose([c('x', 0, null, 9), c('y', 0, null, 1)], { ...ctx, now: i }).id)).toEqual(['x', 'x', 'x']);
  });
});

describe('EWMA and the rate limit', () => {
  it('B2: the mean follows recent run times', () => {
    const e = new Ewma(0.5);
    expect(e.mean).toBeNull();
    e.add(1_000);
    e.add(3_000);
    expect(e.mean).toBe(2_000);
    e.add(-5);
    expect(e.mean).toBe(2_000);
  });

  it('B4: a token bucket lets a burst through, then the rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    expect(() => new TokenBucket(0, 1, 0)).toThrow(/not a limit/);
  });
});
