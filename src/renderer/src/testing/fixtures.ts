import type { DeltaBatch, FleetDelta, FleetSnapshot, HostEvent, ServerView } from '../../../shared/fleet';

/** One builder of server views for every test: the engine's and the renderer's. */
export { serverView as server, withQueue } from '../../../../test/support/server-view';

export function snapshot(seq: number, servers: ServerView[]): FleetSnapshot {
  return { seq, at: 1000 + seq, servers, locks: [], counts: null };
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
