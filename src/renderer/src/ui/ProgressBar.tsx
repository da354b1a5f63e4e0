import './ui.css';

/** value / max as a bar with "value/max"; max ≤ 0 shows an empty bar rather than dividing by zero. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label?: string }) {
  const share = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} aria-label={label ?? 'progress'}>
      <span className="progress-track">
        <span className="progress-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span className="progress-label">
        {value}/{max}
      </span>
    </span>
  );
}
