import type { HealthView, SystemStatsView } from '../../../shared/fleet';
import { Ago } from './RelativeTime';

/** F2/F5 on the card: the health verdict with its reason, and what the server runs on. */
export function HealthStatus({ health, stats }: { health: HealthView; stats: SystemStatsView | null }) {
  return (
    <div className="health">
      <div className="health-line">
        <span className={`health-badge health-${health.state}`} data-testid="health" data-state={health.state}>
          {health.state}
        </span>
        <span className="muted">
          since <Ago at={health.since} />
        </span>
      </div>
      <div className="health-reason" data-testid="health-reason" title={health.reason}>
        {health.reason}
      </div>
      {stats && (
        <div className="stats muted" data-testid="system-stats">
          {stats.deviceName ?? 'unknown device'}
          {stats.vramTotal !== null && stats.vramFree !== null && <> · VRAM {gib(stats.vramTotal - stats.vramFree)} / {gib(stats.vramTotal)} GiB</>}
          {stats.comfyuiVersion && <> · ComfyUI {stats.comfyuiVersion}</>}
        </div>
      )}
    </div>
  );
}

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
