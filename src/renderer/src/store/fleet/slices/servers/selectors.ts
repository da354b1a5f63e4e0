import type { ServerId, ServerView } from '../../../../../../shared/fleet';
import type { ServersState } from './initialState';

export const selectServerIds = (state: ServersState): ServerId[] => state.order;

export const selectServer =
  (id: ServerId) =>
  (state: ServersState): ServerView | undefined =>
    state.byId[id];

/** Servers in display order; a new array on every call, so not for React selectors. */
export function selectServers(state: ServersState): ServerView[] {
  const servers: ServerView[] = [];
  for (const id of state.order) {
    const server = state.byId[id];
    if (server) servers.push(server);
  }
  return servers;
}

export interface FleetTotals {
  servers: number;
  running: number;
  pending: number;
  /** Servers whose console socket is open (F3). */
  socketsOpen: number;
}

/** Plain numbers: use with zustand's `useShallow`, which compares them field by field. */
export function selectFleetTotals(state: ServersState): FleetTotals {
  const totals: FleetTotals = { servers: 0, running: 0, pending: 0, socketsOpen: 0 };
  for (const id of state.order) {
    const server = state.byId[id];
    if (!server) continue;
    totals.servers += 1;
    totals.running += server.queue?.running ?? 0;
    totals.pending += server.queue?.pending ?? 0;
    if (server.socket.state === 'open') totals.socketsOpen += 1;
  }
  return totals;
}

export const selectSyncState = (state: ServersState): ServersState['sync'] => state.sync;
