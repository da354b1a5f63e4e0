import { describe, expect, it } from 'vitest';
import type { HealthState, ServerView } from '../../../shared/fleet';
import { fleetSummary } from './fleet-summary';
import { serverView, withQueue } from '../../../../test/support/server-view';

function server(name: string, state: HealthState, total: number, extra: Partial<ServerView> = {}): ServerView {
  const base = serverView(name, { name, health: { state, reason: '', since: 0, consecutiveFailures: 0, lastOkAt: 0, lastLatencyMs: 1 }, ...extra });
  return withQueue(base, Math.min(1, total), Math.max(0, total - 1));
}

describe('fleet summary line', () => {
  it('names the count of healthy servers and the best one by queue depth', () => {
    const line = fleetSummary([server('gpu-1', 'healthy', 3), server('gpu-2', 'healthy', 0), server('gpu-3', 'healthy', 1), server('gpu-4', 'unhealthy', 0)]);
    expect(line).toBe('3/4 healthy, best gpu-2 (q=0)');
  });

  it('leaves drained servers out of "best", counts degraded and disabled apart', () => {
    const line = fleetSummary([
      server('a', 'healthy', 0, { drained: true }),
      server('b', 'healthy', 2),
      server('c', 'degraded', 0),
      server('d', 'unknown', 0, { enabled: false }),
    ]);
    expect(line).toBe('2/3 healthy (1 degraded, 1 disabled), best b (q=2)');
  });

  it('says so when no server can take work', () => {
    expect(fleetSummary([server('a', 'unhealthy', 0)])).toBe('0/1 healthy, no server can take work');
    expect(fleetSummary([])).toBe('0/0 healthy, no server can take work');
  });
});
