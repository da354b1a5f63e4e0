import { memo, useEffect, useMemo, useState } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ServerId } from '../../../../shared/fleet';
import { useFleetApi } from '../../components/api-context';
import { fleetStore } from '../../store/fleet/store';
import { formatClock } from '../../time/format';
import { appendPoint, downsample, mergeSeries, pointOfQueue, type ChartPoint, type ChartWindow } from './depth-series';

/**
 * F4/U1: one server's queue depth over the window. The engine's series first, then a point per
 * queue update of this server. It listens to the store itself rather than taking props, so a
 * card's other changes (health, stats) do not redraw the chart, and vice versa.
 */
export const DepthChart = memo(function DepthChart({ id, window }: { id: ServerId; window: ChartWindow }) {
  const api = useFleetApi();
  const [points, setPoints] = useState<readonly ChartPoint[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live: readonly ChartPoint[] = [];
    let loaded = false;
    const first = fleetStore.getState().byId[id]?.queue;
    if (first) live = appendPoint(live, pointOfQueue(first), window);
    setPoints(live);
    const unsubscribe = fleetStore.subscribe((state, prev) => {
      const queue = state.byId[id]?.queue;
      if (!queue || queue === prev.byId[id]?.queue) return;
      if (loaded) setPoints((current) => appendPoint(current, pointOfQueue(queue), window));
      else live = appendPoint(live, pointOfQueue(queue), window);
    });
    let cancelled = false;
    void api.call('servers.series', { id, window }).then((result) => {
      if (cancelled) return;
      loaded = true;
      if (result.ok) {
        setError(null);
        setPoints(mergeSeries(result.value.points, live, window));
      } else {
        setError(result.error.message);
        setPoints(live);
      }
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api, id, window]);

  const drawn = useMemo(() => downsample(points), [points]);
  return (
    <div className="depth-chart" data-testid="depth-chart" data-points={points.length} aria-label={`Queue depth, last ${window}`} role="img">
      {error && <p className="card-error">{error}</p>}
      <ResponsiveContainer width="100%" height={72}>
        <LineChart data={drawn as ChartPoint[]} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis allowDecimals={false} width={28} tick={{ fontSize: 10, fill: 'var(--muted)' }} stroke="var(--line)" domain={[0, (max: number) => Math.max(2, max)]} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => formatClock(Number(t))}
            contentStyle={{ background: 'var(--panel-2)', border: '1px solid var(--line)', fontSize: 12 }}
          />
          <Line dataKey="total" name="depth" type="stepAfter" stroke="var(--accent)" dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Line dataKey="running" name="running" type="stepAfter" stroke="var(--ok)" dot={false} strokeWidth={1} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
