import type { DepthPoint, SeriesWindow } from '../../../shared/fleet';

interface Depth {
  total: number;
  running: number;
  pending: number;
}

const WINDOW_MS: Record<SeriesWindow, number> = { '5m': 5 * 60_000, '15m': 15 * 60_000, '60m': 60 * 60_000, '24h': 24 * 60 * 60_000 };

/**
 * One ring of fixed-width buckets in typed arrays: no allocation per sample, a bounded size per
 * server whatever the fleet does. Each bucket remembers which bucket number it holds, so a slot
 * left over from a previous lap reads as empty.
 */
class BucketRing {
  private readonly stamp: Float64Array;
  /** total, running, pending, max total, finished per bucket. */
  private readonly data: Int32Array;

  constructor(
    readonly stepMs: number,
    readonly size: number,
  ) {
    this.stamp = new Float64Array(size).fill(-1);
    this.data = new Int32Array(size * 5);
  }

  private slot(t: number): number {
    const bucket = Math.floor(t / this.stepMs);
    const i = bucket % this.size;
    if (this.stamp[i] !== bucket) {
      this.stamp[i] = bucket;
      this.data.fill(0, i * 5, i * 5 + 5);
      this.data[i * 5 + 3] = -1;
    }
    return i * 5;
  }

  record(t: number, d: Depth, finished: number): void {
    const o = this.slot(t);
    this.data[o] = d.total;
    this.data[o + 1] = d.running;
    this.data[o + 2] = d.pending;
    this.data[o + 3] = Math.max(this.data[o + 3] ?? -1, d.total);
    this.data[o + 4] = (this.data[o + 4] ?? 0) + finished;
  }

  /** Finished jobs in the bucket holding `t`, 0 if it was never written. */
  finishedAt(t: number): number {
    const bucket = Math.floor(t / this.stepMs);
    const i = bucket % this.size;
    return this.stamp[i] === bucket ? (this.data[i * 5 + 4] ?? 0) : 0;
  }

  /**
   * Points from `from` to `to`, one per bucket. A bucket without a sample carries the depth
   * forward (depth holds until it changes); buckets before the first sample are left out.
   */
  read(from: number, to: number, useMax: boolean): DepthPoint[] {
    const points: DepthPoint[] = [];
    const first = Math.max(Math.floor(from / this.stepMs), Math.floor(to / this.stepMs) - this.size + 1);
    const last = Math.floor(to / this.stepMs);
    let carry: Depth | null = null;
    for (let b = first; b <= last; b++) {
      const i = b % this.size;
      const t = b * this.stepMs;
      if (this.stamp[i] === b) {
        const o = i * 5;
        const d = this.data;
        carry = { total: d[o] ?? 0, running: d[o + 1] ?? 0, pending: d[o + 2] ?? 0 };
        points.push({ t, ...carry, total: useMax ? Math.max(d[o + 3] ?? 0, carry.total) : carry.total, finished: d[o + 4] ?? 0 });
      } else if (carry) {
        points.push({ t, ...carry, finished: 0 });
      }
    }
    return points;
  }

  /** The last sample at or before `t` within the ring, for carrying depth into a read. */
  latestBefore(t: number): Depth | null {
    const last = Math.floor(t / this.stepMs);
    for (let b = last; b > last - this.size; b--) {
      const i = b % this.size;
      if (this.stamp[i] === b) {
        const o = i * 5;
        return { total: this.data[o] ?? 0, running: this.data[o + 1] ?? 0, pending: this.data[o + 2] ?? 0 };
      }
    }
    return null;
  }
}

/**
 * F4: a server's queue depth over time: an hour at 1 s resolution, a day at 1 min (the minute
 * points carry the highest depth seen within the minute, so short peaks survive downsampling).
 * About 130 kB per server.
 */
export class DepthSeries {
  private readonly fine = new BucketRing(1_000, 3_600);
  private readonly coarse = new BucketRing(60_000, 1_440);
  private last: Depth | null = null;

  /**
   * Records the depth at `t`. A fall of the total counts as jobs finished (deletions from the
   * queue are rare enough to be counted with them).
   */
  record(t: number, depth: Depth): void {
    const finished = this.last && depth.total < this.last.total ? this.last.total - depth.total : 0;
    this.last = { total: depth.total, running: depth.running, pending: depth.pending };
    this.fine.record(t, depth, finished);
    this.coarse.record(t, depth, finished);
  }

  /** Jobs finished in the last full minute before `now`. */
  finishedLastMinute(now: number): number {
    return this.coarse.finishedAt(now - 60_000);
  }

  read(window: SeriesWindow, now: number): { stepMs: number; points: DepthPoint[] } {
    const span = WINDOW_MS[window];
    const ring = span <= 60 * 60_000 ? this.fine : this.coarse;
    const from = now - span + ring.stepMs;
    const points = ring.read(from, now, ring === this.coarse);
    // A depth that has not changed for the whole window still has a value: carry it in.
    const first = points[0];
    const firstBucket = Math.floor(from / ring.stepMs) * ring.stepMs;
    if (!first || first.t > firstBucket) {
      const before = ring.latestBefore(from - ring.stepMs) ?? (this.last && !first ? this.last : null);
      if (before) {
        const filled: DepthPoint[] = [];
        const until = first ? first.t : Math.floor(now / ring.stepMs) * ring.stepMs + ring.stepMs;
        for (let t = firstBucket; t < until; t += ring.stepMs) filled.push({ t, ...before, finished: 0 });
        return { stepMs: ring.stepMs, points: [...filled, ...points] };
      }
    }
    return { stepMs: ring.stepMs, points };
  }
}
