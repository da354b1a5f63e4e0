import type { ServerView } from '../../../shared/fleet';

/**
 * The fleet in one log line: `3/4 healthy, best gpu-2 (q=0)`. Disabled servers are left out of
 * the count and mentioned apart; "best" is the healthy, undrained server with the shortest
 * queue (ties by name), i.e. where a task would most plausibly go next.
 */
export function fleetSummary(servers: readonly ServerView[]): string {
  const enabled = servers.filter((s) => s.enabled);
  const healthy = enabled.filter((s) => s.health.state === 'healthy');
  const disabled = servers.length - enabled.length;
  const degraded = enabled.filter((s) => s.health.state === 'degraded').length;
  let line = `${healthy.length}/${enabled.length} healthy`;
  const extras = [degraded ? `${degraded} degraded` : '', disabled ? `${disabled} disabled` : ''].filter(Boolean);
  if (extras.length) line += ` (${extras.join(', ')})`;
  const depth = (s: ServerView) => s.queue?.total ?? 0;
  const best = healthy.filter((s) => !s.drained).sort((a, b) => depth(a) - depth(b) || a.name.localeCompare(b.name))[0];
  return best ? `${line}, best ${best.name} (q=${best.queue?.total ?? 0})` : `${line}, no server can take work`;
}
