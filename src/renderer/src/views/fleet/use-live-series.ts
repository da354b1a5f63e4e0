import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { ServerId } from '../../../../shared/fleet';
import { useFleetApi } from '../../components/api-context';
import { fleetStore } from '../../store/fleet/store';
import { useEngineOpens } from '../../sync/use-engine';
import { appendPoint, downsample, mergeSeries, pointOfQueue, type ChartPoint, type ChartWindow } from './depth-series';
import { useOnScreen } from './use-on-screen';

/**
 * How often a chart on screen redraws. Points are collected as they come (2 a second per server
 * under load) but drawing them is what costs: one recharts render per queue change was ~120
 * renders a second for 50 cards, enough to hold the main thread at 95 %.
 */
export const REDRAW_MS = 1500;

export interface DrawnSeries {
  /** What the chart draws: at most MAX_DRAWN_POINTS, peaks kept. */
  drawn: readonly ChartPoint[];
  /** How many points are kept for the window (the e2e tests read it). */
  kept: number;
}

const NOTHING: DrawnSeries = { drawn: [], kept: 0 };

/**
 * F4/U1: one server's queue depth over the window — the engine's series, then a point per queue
 * update from the store. Points go into a ref at once; the chart is redrawn from it on a timer
 * of its own (phases spread at random so 50 charts do not redraw in one frame), only while it is
 * on screen and the page is visible, and at once when it scrolls into view with news.
 */
export function useLiveSeries(id: ServerId, window: ChartWindow, container: RefObject<HTMLElement | null>): { series: DrawnSeries; error: string | null } {
  const api = useFleetApi();
  const [series, setSeries] = useState<DrawnSeries>(NOTHING);
  const [error, setError] = useState<string | null>(null);
  const points = useRef<readonly ChartPoint[]>([]);
  const dirty = useRef(false);
  // The series is asked for again on each (re)connection: one asked before the link opened was
  // never sent, and one from before a drop misses the points of the gap.
  const opens = useEngineOpens();

  const draw = useCallback(() => {
    dirty.current = false;
    const kept = points.current;
    setSeries({ drawn: downsample(kept), kept: kept.length });
  }, []);
  const drawIfNews = useCallback(() => {
    if (dirty.current) draw();
  }, [draw]);
  const onScreen = useOnScreen(container, drawIfNews);

  useEffect(() => {
    let cancelled = false;
    const update = (next: readonly ChartPoint[]) => {
      if (next === points.current) return;
      points.current = next;
      dirty.current = true;
    };
    points.current = [];
    const first = fleetStore.getState().byId[id]?.queue;
    if (first) update(appendPoint([], pointOfQueue(first), window));
    // Until the engine's series arrives, live points wait in the same ref and are merged after it.
    const unsubscribe = fleetStore.subscribe((state, prev) => {
      const queue = state.byId[id]?.queue;
      if (!queue || queue === prev.byId[id]?.queue) return;
      update(appendPoint(points.current, pointOfQueue(queue), window));
    });
    void api.call('servers.series', { id, window }).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setError(null);
        update(mergeSeries(result.value.points, points.current, window));
      } else if (result.error.code !== 'disconnected') {
        // Not sent for want of a link: the banner says so, and the next open asks again.
        setError(result.error.message);
      }
      // A new window or a first load shows at once when it is on screen; later points wait for the timer.
      if (onScreen.current) draw();
      else dirty.current = true;
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api, id, window, draw, onScreen, opens]);

  useEffect(() => {
    const tick = () => {
      if (dirty.current && onScreen.current && document.visibilityState !== 'hidden') draw();
    };
    let interval: ReturnType<typeof setInterval> | undefined;
    const phase = setTimeout(
      () => {
        tick();
        interval = setInterval(tick, REDRAW_MS);
      },
      Math.random() * REDRAW_MS,
    );
    return () => {
      clearTimeout(phase);
      clearInterval(interval);
    };
  }, [draw, onScreen]);

  return { series, error };
}
