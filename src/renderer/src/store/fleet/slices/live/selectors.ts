import type { LiveTaskView, LockView, TaskCounts } from '../../../../../../shared/tasks';
import type { ServerId, ServerView } from '../../../../../../shared/fleet';
import { serverPresence, socketCountsAsOpen } from './server-presence';
import type { LiveState } from './initialState';

export const selectServerIds = (state: LiveState): ServerId[] => state.order;

/** Servers in display order; a new array on every call, so not for React selectors. */
export function selectServers(state: LiveState): ServerView[] {
  const servers: ServerView[] = [];
  for (const id of state.order) {
    const server = state.byId[id];
    if (server) servers.push(server);
  }
  return servers;
}

export interface FleetTotals {
  servers: number;
  /** Servers the console connects to: the sockets that should be open. */
  enabled: number;
  running: number;
  pending: number;
  /** Enabled servers whose console socket is open (F3). */
  socketsOpen: number;
}

/** Plain numbers: use with zustand's `useShallow`, which compares them field by field. */
export function selectFleetTotals(state: LiveState): FleetTotals {
  const totals: FleetTotals = { servers: 0, enabled: 0, running: 0, pending: 0, socketsOpen: 0 };
  for (const id of state.order) {
    const server = state.byId[id];
    if (!server) continue;
    totals.servers += 1;
    if (server.enabled) totals.enabled += 1;
    // A down server's last known queue is history (a crashed one lost it), and a disabled one's
    // is not watched: neither is counted as live work.
    if (serverPresence(server) === 'live') {
      totals.running += server.queue?.running ?? 0;
      totals.pending += server.queue?.pending ?? 0;
    }
    if (socketCountsAsOpen(server)) totals.socketsOpen += 1;
  }
  return totals;
}

export const selectSyncState = (state: LiveState): LiveState['sync'] => state.sync;

/** One-entry memo: the result is recomputed only when the input collection changes identity. */
function memoByIdentity<I, O>(compute: (input: I) => O): (input: I) => O {
  let lastInput: I | undefined;
  let lastOutput: O | undefined;
  return (input) => {
    if (input !== lastInput || lastOutput === undefined) {
      lastInput = input;
      lastOutput = compute(input);
    }
    return lastOutput;
  };
}

const sortedLocks = memoByIdentity((locks: LiveState['locks']): LockView[] => Object.values(locks).sort((a, b) => a.acquiredAt - b.acquiredAt || a.sessionId.localeCompare(b.sessionId)));

/** L5: locks, oldest first; the same array until a lock changes (safe as a React selector). */
export const selectLocks = (state: LiveState): LockView[] => sortedLocks(state.locks);

export const selectCounts = (state: LiveState): TaskCounts | null => state.counts;

const newestTasks = memoByIdentity((tasks: LiveState['tasks']): LiveTaskView[] => Object.values(tasks).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)));

/** Tasks that changed since the view connected, newest first; the same array until one changes. */
export const selectLiveTasks = (state: LiveState): LiveTaskView[] => newestTasks(state.tasks);

export const selectLog = (state: LiveState): LiveState['log'] => state.log;
