import type { DeltaBatch, FleetDelta, FleetSnapshot, HostEvent, ServerId, ServerView } from '../../../../../../shared/fleet';
import type { ServersState } from './initialState';

/** Bound on batches held during a resync; older ones are covered by the snapshot anyway. */
const MAX_HELD = 1000;

/**
 * Applies one host event. Pure: returns the same object when nothing changes, and keeps the
 * identity of every server a batch did not touch, so memoised cards skip re-rendering.
 * A gap in seq moves to `resyncing`; the caller then asks the engine for a snapshot.
 */
export function applyHostEvent(state: ServersState, event: HostEvent): ServersState {
  switch (event.type) {
    case 'snapshot':
      return fromSnapshot(event.snapshot, state.held);
    case 'deltas':
      return applyBatch(state, event.batch);
  }
}

function fromSnapshot(snapshot: FleetSnapshot, held: DeltaBatch[]): ServersState {
  const byId: Record<ServerId, ServerView> = {};
  const order: ServerId[] = [];
  for (const server of snapshot.servers) {
    if (!Object.hasOwn(byId, server.id)) order.push(server.id);
    byId[server.id] = server;
  }
  // A snapshot always wins, even with a lower seq: the host may have restarted and counted anew.
  let state: ServersState = { seq: snapshot.seq, snapshotAt: snapshot.at, order, byId, sync: 'live', held: [] };
  // Held batches that continue the snapshot were only overtaken by it; anything else is from
  // before it or from a previous host, and replaying a gap here would only start another resync.
  for (const batch of [...held].sort((a, b) => a.seq - b.seq)) {
    if (state.seq === null || batch.seq <= state.seq) continue;
    if (batch.seq !== state.seq + 1) break;
    state = applyBatch(state, batch);
  }
  return state;
}

function applyBatch(state: ServersState, batch: DeltaBatch): ServersState {
  // Before the first snapshot there is nothing to apply to; the transport sends one first.
  if (state.seq === null || batch.seq <= state.seq) return state;
  if (state.sync === 'resyncing') {
    return { ...state, held: [...state.held, batch].slice(-MAX_HELD) };
  }
  if (batch.seq !== state.seq + 1) {
    return { ...state, sync: 'resyncing', held: [batch] };
  }
  return { ...state, ...applyDeltas(state, batch.deltas), seq: batch.seq };
}

function applyDeltas(state: ServersState, deltas: readonly FleetDelta[]): Pick<ServersState, 'byId' | 'order'> {
  // Copy each collection once, on its first change.
  let byId: Record<ServerId, ServerView> | null = null;
  let order: ServerId[] | null = null;
  for (const delta of deltas) {
    const current: Record<ServerId, ServerView> = byId ?? state.byId;
    if (delta.type === 'server.upsert') {
      const { server } = delta;
      if (!Object.hasOwn(current, server.id)) {
        order ??= [...state.order];
        order.push(server.id);
      }
      byId ??= { ...state.byId };
      byId[server.id] = server;
    } else if (delta.type === 'server.removed') {
      if (!Object.hasOwn(current, delta.id)) continue;
      byId ??= { ...state.byId };
      delete byId[delta.id];
      order = (order ?? state.order).filter((id) => id !== delta.id);
    }
  }
  return { byId: byId ?? state.byId, order: order ?? state.order };
}
