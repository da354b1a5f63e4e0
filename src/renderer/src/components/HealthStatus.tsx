import { memo } from 'react';
import type { HealthView, SystemStatsView } from '../../../shared/fleet';
import type { Presence } from '../store/fleet/slices/live/server-presence';
import { Ago } from './RelativeTime';

/** F2/F5 on the card: the health verdict with its reason, and what the server runs on. */
interface Props {
  health: HealthView;
  stats: SystemStatsView | null;
  /** A down server's stats are its last known ones; a disabled server's are not shown. */
  presence: Presence;
}

/**
 * Every server delta brings new objects (2 a second per server under load, mostly queue
 * changes), so the card re-renders often; this part only when what it shows changed.
 */
function sameShown(a: Props, b: Props): boolean {
  if (a.presence !== b.presence) return false;
  const h = a.health.state === b.health.state && a.health.reason === b.health.reason && a.health.since === b.health.since;
  if (!h || !a.stats || !b.stats) return h && a.stats === b.stats;
  return a.stats.at === b.stats.at && a.stats.deviceName === b.stats.deviceName && a.stats.vramTotal === b.stats.vramTotal && a.stats.vramFree === b.stats.vramFree && a.stats.comfyuiVersion === b.stats.comfyuiVersion;
}

export const HealthStatus = memo(function HealthStatus({ health, stats: known, presence }: Props) {
  const stats = presence === 'disabled' ? null : known;
  const stale = presence === 'down';
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
        // Two lines: a long device name is cut, but VRAM and the version always show (F5).
        <div className="stats muted" data-testid="system-stats" data-stale={stale}>
          <div className="stats-device" title={stats.deviceName ?? undefined}>
            {stats.deviceName ?? 'unknown device'}
          </div>
          <div>
            {stats.vramTotal !== null && stats.vramFree !== null ? (
              <span data-testid="vram">
                VRAM {gib(stats.vramTotal - stats.vramFree)} / {gib(stats.vramTotal)} GiB
              </span>
            ) : (
              'VRAM unknown'
            )}
            {stats.comfyuiVersion && <span data-testid="comfyui-version"> · ComfyUI {stats.comfyuiVersion}</span>}
          </div>
          {stale && (
            // The server no longer answers: these are what /system_stats said last, not its memory now.
            <div className="stats-stale" data-testid="stats-stale">
              last known, <Ago at={stats.at} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}, sameShown);

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
