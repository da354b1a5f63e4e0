import { describe, expect, it } from 'vitest';
import type { DepthPoint } from '../../../../shared/fleet';
import { appendPoint, downsample, MAX_KEPT_POINTS, mergeSeries, type ChartPoint } from './depth-series';

const p = (t: number, total = 0): ChartPoint => ({ t, total, running: Math.min(1, total), pending: Math.max(0, total - 1) });
const d = (t: number, total = 0): DepthPoint => ({ ...p(t, total), finished: 0 });

describe('queue-depth chart series (U1, F4)', () => {
  it('merges the engine series with the live points that came after it, without doubles', () => {
    const merged = mergeSeries([d(1000, 1), d(2000, 2)], [p(1500, 9), p(2000, 9), p(2500, 3)], '5m');
    expect(merged.map((x) => [x.t, x.total])).toEqual([
      [1000, 1],
      [2000, 2],
      [2500, 3],
    ]);
  });

  it('appends live points, replaces one for the same instant and ignores an older one', () => {
    let s = appendPoint([], p(1000, 1), '5m');
    s = appendPoint(s, p(2000, 2), '5m');
    const same = appendPoint(s, p(2000, 2), '5m');
    expect(same).toBe(s);
    s = appendPoint(s, p(2000, 3), '5m');
    expect(s.map((x) => x.total)).toEqual([1, 3]);
    expect(appendPoint(s, p(1500, 7), '5m')).toBe(s);
  });

  it('keeps only the window before the newest point, and at most MAX_KEPT_POINTS', () => {
    let s: readonly ChartPoint[] = [];
    for (let t = 0; t <= 10 * 60_000; t += 1000) s = appendPoint(s, p(t), '5m');
    expect(s[0]?.t).toBe(5 * 60_000);
    expect(s.at(-1)?.t).toBe(10 * 60_000);
    const many = Array.from({ length: MAX_KEPT_POINTS + 50 }, (_, i) => d(i * 10));
    expect(mergeSeries(many, [], '60m')).toHaveLength(MAX_KEPT_POINTS);
  });

  it('draws at most the given number of points and keeps a spike', () => {
    const points = Array.from({ length: 3600 }, (_, i) => p(i * 1000, i === 1777 ? 42 : 1));
    const drawn = downsample(points, 240);
    expect(drawn.length).toBeLessThanOrEqual(240);
    expect(Math.max(...drawn.map((x) => x.total))).toBe(42);
    expect(drawn[0]?.t).toBe(0);
    const few = [p(1), p(2)];
    expect(downsample(few, 240)).toBe(few);
  });
});
