import type { DepthPoint, QueueDepth, SeriesWindow } from '../../../../shared/fleet';

/** One point of a card's queue-depth chart. */
export interface ChartPoint {
  t: number;
  total: number;
  running: number;
  pending: number;
}

/** The chart windows the fleet view offers (U1); `24h` stays for the API only. */
export const CHART_WINDOWS = ['5m', '15m', '60m'] as const satisfies readonly SeriesWindow[];
export type ChartWindow = (typeof CHART_WINDOWS)[number];

const WINDOW_MS: Record<ChartWindow, number> = { '5m': 5 * 60_000, '15m': 15 * 60_000, '60m': 60 * 60_000 };
export const windowMs = (w: ChartWindow): number => WINDOW_MS[w];

/** Enough for 60 min at the engine's 1 s buckets; live points come at most a few a second. */
export const MAX_KEPT_POINTS = 3_600;
/** What one small chart draws (about one point per 2 px of a card): more only costs time with 50 cards; peaks are kept. */
export const MAX_DRAWN_POINTS = 120;

export function pointOfQueue(queue: QueueDepth): ChartPoint {
  return { t: queue.at, total: queue.total, running: queue.running, pending: queue.pending };
}

const fromDepth = (p: DepthPoint): ChartPoint => ({ t: p.t, total: p.total, running: p.running, pending: p.pending });

/**
 * The engine's series for the window, then the live points that came after its last bucket
 * (live points may arrive while the series request is in flight: none is lost or doubled).
 */
export function mergeSeries(initial: readonly DepthPoint[], live: readonly ChartPoint[], window: ChartWindow): ChartPoint[] {
  const base = initial.map(fromDepth);
  const lastT = base.at(-1)?.t ?? -Infinity;
  const merged = [...base, ...live.filter((p) => p.t > lastT)];
  return bound(merged, window);
}

/**
 * Appends a live point. A point at or before the last one replaces it when it is for the same
 * instant and is dropped otherwise (an out-of-order upsert must not draw a line backwards).
 * Returns the same array when nothing changes, so a memoised chart skips the render.
 */
export function appendPoint(points: readonly ChartPoint[], point: ChartPoint, window: ChartWindow): readonly ChartPoint[] {
  const last = points.at(-1);
  if (last && point.t < last.t) return points;
  if (last && point.t === last.t) {
    if (last.total === point.total && last.running === point.running && last.pending === point.pending) return points;
    return [...points.slice(0, -1), point];
  }
  return bound([...points, point], window);
}

/** Drops points older than the window before the newest one, and keeps at most {@link MAX_KEPT_POINTS}. */
function bound(points: ChartPoint[], window: ChartWindow): ChartPoint[] {
  const newest = points.at(-1);
  if (!newest) return points;
  const from = newest.t - windowMs(window);
  let start = 0;
  while (start < points.length && (points[start] as ChartPoint).t < from) start++;
  start = Math.max(start, points.length - MAX_KEPT_POINTS);
  return start > 0 ? points.slice(start) : points;
}

/**
 * At most `max` points for drawing: consecutive points are grouped into equal time slots and
 * each slot keeps its highest depth, so a short spike stays visible.
 */
export function downsample(points: readonly ChartPoint[], max = MAX_DRAWN_POINTS): readonly ChartPoint[] {
  if (points.length <= max) return points;
  const first = (points[0] as ChartPoint).t;
  const span = Math.max(1, (points.at(-1) as ChartPoint).t - first);
  const slots: ChartPoint[] = [];
  let slot = -1;
  for (const p of points) {
    const s = Math.min(max - 1, Math.floor(((p.t - first) / span) * max));
    const current = slots.at(-1);
    if (s !== slot || !current) {
      slots.push(p);
      slot = s;
    } else if (p.total > current.total) {
      slots[slots.length - 1] = { ...p, t: current.t };
    }
  }
  return slots;
}
