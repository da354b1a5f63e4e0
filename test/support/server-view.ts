import type { ServerView } from '../../src/shared/fleet';

/** A healthy, connected, idle server view for tests of anything that shows or batches servers. */
export function serverView(id: string, overrides: Partial<ServerView> = {}): ServerView {
  return {
    id,
    name: `gpu-${id}`,
    url: `http://10.0.0.${id.length}:8188`,
    enabled: true,
    drained: false,
    maxInFlight: 2,
    tags: [],
    addedAt: 1000,
    socket: { state: 'open', clientId: `client-${id}`, connectedAt: 1000, lastClose: null, reconnectAttempt: 0, nextAttemptAt: null },
    queue: { running: 0, pending: 0, total: 0, at: 1000, source: 'ws' },
    health: { state: 'healthy', reason: 'answering in 3 ms', since: 1000, consecutiveFailures: 0, lastOkAt: 1000, lastLatencyMs: 3 },
    stats: null,
    inFlight: 0,
    finishedLastMinute: 0,
    lastError: null,
    ...overrides,
  };
}

/** The same view with a queue of `running` + `pending`. */
export function withQueue(view: ServerView, running: number, pending: number, at = 2000): ServerView {
  return { ...view, queue: { running, pending, total: running + pending, at, source: 'ws' } };
}
