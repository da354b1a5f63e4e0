import type { DeltaBatch, FleetDelta, FleetSnapshot, HostEvent, ServerView } from '../../../shared/fleet';

export function server(id: string, overrides: Partial<ServerView> = {}): ServerView {
  return {
    id,
    name: `gpu-${id}`,
    url: `http://10.0.0.${id.length}:8188`,
    enabled: true,
    socket: { state: 'open', clientId: `client-${id}`, connectedAt: 1000, lastClose: null, reconnectAttempt: 0, nextAttemptAt: null },
    queue: { running: 0, pending: 0, total: 0, at: 1000, source: 'ws' },
    lastError: null,
    ...overrides,
  };
}

export function withQueue(view: ServerView, running: number, pending: number): ServerView {
  return { ...view, queue: { running, pending, total: running + pending, at: 2000, source: 'ws' } };
}

export function snapshot(seq: number, servers: ServerView[]): FleetSnapshot {
  return { seq, at: 1000 + seq, servers };
}

export function snapshotEvent(seq: number, servers: ServerView[]): HostEvent {
  return { type: 'snapshot', snapshot: snapshot(seq, servers) };
}

export function batch(seq: number, ...deltas: FleetDelta[]): DeltaBatch {
  return { seq, at: 1000 + seq, deltas };
}

export function deltasEvent(seq: number, ...deltas: FleetDelta[]): HostEvent {
  return { type: 'deltas', batch: batch(seq, ...deltas) };
}

export const upsert = (view: ServerView): FleetDelta => ({ type: 'server.upsert', server: view });
export const removed = (id: string): FleetDelta => ({ type: 'server.removed', id });
