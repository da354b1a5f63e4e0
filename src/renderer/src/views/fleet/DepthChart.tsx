import { memo, useRef, useState } from 'react';
import { Line, LineChart, Tooltip, XAxis, YAxis, type AxisDomainItem } from 'recharts';
import type { ServerId } from '../../../../shared/fleet';
import { useFleetStore } from '../../store/fleet/store';
import { formatClock } from '../../time/format';
import type { ChartPoint, ChartWindow } from './depth-series';
import { useLiveSeries } from './use-live-series';
import { useWidth } from './use-width';

const HEIGHT = 72;
// Props recharts compares by identity live outside the component: new objects or functions on
// each render would make it recompute its axes and scales on every redraw.
const MARGIN = { top: 4, right: 4, bottom: 0, left: 0 };
const X_DOMAIN: [AxisDomainItem, AxisDomainItem] = ['dataMin', 'dataMax'];
const Y_DOMAIN: [AxisDomainItem, AxisDomainItem] = [0, (max: number) => Math.max(2, max)];
const Y_TICK = { fontSize: 10, fill: 'var(--muted)' };
const TOOLTIP_STYLE = { background: 'var(--panel-2)', border: '1px solid var(--line)', fontSize: 12 };
const tooltipLabel = (t: unknown) => formatClock(Number(t));

/**
 * F4/U1: one server's queue depth over the window, live. It reads the store itself rather than
 * taking props, so a card's other changes (health, stats) do not redraw the chart; it redraws on
 * its own timer (see useLiveSeries), at a fixed size, without animation, and mounts its tooltip
 * only while the pointer is over it.
 */
export const DepthChart = memo(function DepthChart({ id, window }: { id: ServerId; window: ChartWindow }) {
  const box = useRef<HTMLDivElement>(null);
  const { series, error } = useLiveSeries(id, window, box);
  const width = useWidth(box);
  const [hovered, setHovered] = useState(false);
  const name = useFleetStore((s) => s.byId[id]?.name ?? id);
  return (
    <div
      ref={box}
      className="depth-chart"
      data-testid="depth-chart"
      data-points={series.kept}
      aria-label={`Queue depth of ${name}, last ${window}`}
      role="img"
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
    >
      {error && <p className="card-error">{error}</p>}
      {width > 0 && (
        // No accessibility layer: it makes every chart an unnamed Tab stop (role=application) whose
        // arrow keys walk the points. The box is one named image instead; the figures are on the card.
        <LineChart width={width} height={HEIGHT} data={series.drawn as ChartPoint[]} margin={MARGIN} accessibilityLayer={false}>
          <XAxis dataKey="t" type="number" domain={X_DOMAIN} hide />
          <YAxis allowDecimals={false} width={28} tick={Y_TICK} stroke="var(--line)" domain={Y_DOMAIN} />
          {hovered && <Tooltip isAnimationActive={false} labelFormatter={tooltipLabel} contentStyle={TOOLTIP_STYLE} />}
          <Line dataKey="total" name="depth" type="stepAfter" stroke="var(--accent)" dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Line dataKey="running" name="running" type="stepAfter" stroke="var(--ok)" dot={false} strokeWidth={1} isAnimationActive={false} />
        </LineChart>
      )}
    </div>
  );
});
