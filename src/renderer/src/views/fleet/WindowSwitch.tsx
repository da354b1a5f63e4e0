import { CHART_WINDOWS, type ChartWindow } from './depth-series';

const LABEL: Record<ChartWindow, string> = { '5m': '5 min', '15m': '15 min', '60m': '60 min' };

/** One window for every card's chart: comparing servers needs the same time axis. */
export function WindowSwitch({ value, onChange }: { value: ChartWindow; onChange: (w: ChartWindow) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Chart window">
      {CHART_WINDOWS.map((w) => (
        <button key={w} type="button" className="segment" aria-pressed={w === value} data-testid={`window-${w}`} onClick={() => onChange(w)}>
          {LABEL[w]}
        </button>
      ))}
    </div>
  );
}
