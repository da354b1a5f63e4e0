import { describe, expect, it } from 'vitest';
import { DepthSeries } from './depth-series';

const d = (total: number, running = Math.min(total, 1)) => ({ total, running, pending: total - running });
const T0 = 1_800_000_000_000; // a whole minute

describe('queue-depth series (F4)', () => {
  it('F4: one point per second, carrying the depth forward between changes', () => {
    const s = new DepthSeries();
    s.record(T0, d(3));
    s.record(T0 + 2_500, d(1));
    const { stepMs, points } = s.read('5m', T0 + 4_000);
    expect(stepMs).toBe(1_000);
    expect(points.slice(-5).map((p) => [p.t - T0, p.total, p.finished])).toEqual([
      [0, 3, 0],
      [1_000, 3, 0],
      [2_000, 1, 2],
      [3_000, 1, 0],
      [4_000, 1, 0],
    ]);
  });

  it('F4: a depth unchanged for longer than the window still fills the window', () => {
    const s = new DepthSeries();
    s.record(T0, d(2));
    const { points } = s.read('5m', T0 + 20 * 60_000);
    expect(points).toHaveLength(300);
    expect(points.every((p) => p.total === 2)).toBe(true);
  });

  it('F4: keeps an hour at 1 s resolution and a day downsampled to minutes that keep the peak', () => {
    const s = new DepthSeries();
    for (let sec = 0; sec < 2 * 3600; sec++) s.record(T0 + sec * 1_000, d(sec % 60 === 30 ? 9 : 1));
    const now = T0 + 2 * 3600 * 1_000 - 1;
    const hour = s.read('60m', now);
    expect(hour.points).toHaveLength(3_600);
    expect(hour.points[0]?.t).toBe(now + 1 - 3_600_000);
    const day = s.read('24h', now);
    expect(day.stepMs).toBe(60_000);
    expect(day.points).toHaveLength(120);
    expect(day.points.every((p) => p.total === 9)).toBe(true);
  });

  it('F4: counts jobs finished per minute from the fall of the depth', () => {
    const s = new DepthSeries();
    s.record(T0, d(5));
    s.record(T0 + 10_000, d(3));
    s.record(T0 + 20_000, d(4));
    s.record(T0 + 30_000, d(0));
    expect(s.finishedLastMinute(T0 + 30_000)).toBe(0); // the minute is not over yet
    expect(s.finishedLastMinute(T0 + 60_000)).toBe(6);
    expect(s.finishedLastMinute(T0 + 120_000)).toBe(0);
  });

  it('memory stays bounded: a day of samples every 100 ms fills fixed rings', () => {
    const s = new DepthSeries();
    for (let i = 0; i < 24 * 36_000; i += 7) s.record(T0 + i * 100, d(i % 5));
    expect(s.read('24h', T0 + 24 * 3_600_000).points.length).toBeLessThanOrEqual(1_440);
  });
});
