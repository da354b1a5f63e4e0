import type { DeltaBatch, FleetDelta, FleetSnapshot, HostEvent, ServerId, ServerView } from '../../../../../../shared/fleet';
import type { LiveTaskView, LockView, SessionId, TaskId } from '../../../../../../shared/tasks';
import { LIVE_FINISHED_KEPT, LOG_LINES_KEPT, type LiveState } from './initialState';

/** Bound on batches held during a resync; older ones are covered by the snapshot anyway. */
const MAX_HELD = 1000;

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/**
 * Applies one host event. Pure: returns the same object when nothing changes, and keeps the
 * identity of every server, lock and task a batch did not touch, so memoised rows skip
 * re-rendering. A gap in seq moves to `resyncing`; the caller then asks the engine for a snapshot.
 */
export function applyHostEvent(state: LiveState, event: HostEvent): LiveState {
  switch (event.type) {
    case 'snapshot':
      return fromSnapshot(state, event.snapshot);
    case 'deltas':
      return applyBatch(state, event.batch);
  }
}

/** Several events in one step: the store applies what arrived within a frame budget at once. */
export function applyHostEvents(state: LiveState, events: readonly HostEvent[]): LiveState {
  let next = state;
  for (const event of events) next = applyHostEvent(next, event);
  return next;
}

function fromSnapshot(prev: LiveState, snapshot: FleetSnapshot): LiveState {
  const byId: Record<ServerId, ServerView> = {};
  const order: ServerId[] = [];
  for (const server of snapshot.servers) {
    if (!Object.hasOwn(byId, server.id)) order.push(server.id);
    byId[server.id] = server;
  }
  const locks: Record<SessionId, LockView> = {};
  for (const lock of snapshot.locks) locks[lock.sessionId] = lock;
  // A snapshot always wins, even with a lower seq: the host may have restarted and counted anew.
  // Tasks and log lines are not part of a snapshot; the ones already seen stay.
  let state: LiveState = {
    ...prev,
    seq: snapshot.seq,
    snapshotAt: snapshot.at,
    order,
    byId,
    locks,
    counts: snapshot.counts,
    sync: 'live',
    held: [],
  };
  // Held batches that continue the snapshot were only overtaken by it; anything else is from
  // before it or from a previous host, and replaying a gap here would only start another resync.
  for (const batch of [...prev.held].sort((a, b) => a.seq - b.seq)) {
    if (state.seq === null || batch.seq <= state.seq) continue;
    if (batch.seq !== state.seq + 1) break;
    state = applyBatch(state, batch);
  }
  return state;
}

function applyBatch(state: LiveState, batch: DeltaBatch): LiveState {
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

type Changed = Partial<Pick<LiveState, 'byId' | 'order' | 'locks' | 'counts' | 'tasks' | 'tasksVersion' | 'log'>>;

function applyDeltas(state: LiveState, deltas: readonly FleetDelta[]): Changed {
  // Copy each collection once, on its first change.
  let byId: Record<ServerId, ServerView> | null = null;
  let order: ServerId[] | null = null;
  let locks: Record<SessionId, LockView> | null = null;
  let tasks: Record<TaskId, LiveTaskView> | null = null;
  let log: LiveState['log'] | null = null;
  const changed: Changed = {};
  for (const delta of deltas) {
    switch (delta.type) {
      case 'server.upsert': {
        const { server } = delta;
        if (!Object.hasOwn(byId ?? state.byId, server.id)) {
          order ??= [...state.order];
          order.push(server.id);
        }
        byId ??= { ...state.byId };
        byId[server.id] = server;
        break;
      }
      case 'server.removed':
        if (!Object.hasOwn(byId ?? state.byId, delta.id)) break;
        byId ??= { ...state.byId };
        delete byId[delta.id];
        order = (order ?? state.order).filter((id) => id !== delta.id);
        break;
      case 'lock.upsert':
        locks ??= { ...state.locks };
        locks[delta.lock.sessionId] = delta.lock;
        break;
      case 'lock.removed':
        if (!Object.hasOwn(locks ?? state.locks, delta.sessionId)) break;
        locks ??= { ...state.locks };
        delete locks[delta.sessionId];
        break;
      case 'tasks.counts':
        changed.counts = delta.counts;
        break;
      case 'task.upsert': {
        const current = (tasks ?? state.tasks)[delta.task.id];
        // Deltas of one task arrive in order, but a page fetched later may have put a newer row here.
        if (current && current.version > delta.task.version) break;
        tasks ??= { ...state.tasks };
        tasks[delta.task.id] = delta.task;
        break;
      }
      case 'log.line':
        log ??= [...state.log];
        log.push(delta.line);
        break;
    }
  }
  if (byId) changed.byId = byId;
  if (order) changed.order = order;
  if (locks) changed.locks = locks;
  if (tasks) {
    changed.tasks = pruneFinished(tasks);
    changed.tasksVersion = state.tasksVersion + 1;
  }
  if (log) changed.log = log.length > LOG_LINES_KEPT ? log.slice(-LOG_LINES_KEPT) : log;
  return changed;
}

/** Keeps every unfinished task and the newest finished ones; prunes in bulk so it stays rare. */
function pruneFinished(tasks: Record<TaskId, LiveTaskView>): Record<TaskId, LiveTaskView> {
  // Below the bound in all there is nothing to prune; the scan below runs only near it.
  if (Object.keys(tasks).length <= LIVE_FINISHED_KEPT * 1.5) return tasks;
  const finished: LiveTaskView[] = [];
  for (const id in tasks) {
    const task = tasks[id];
    if (task && FINISHED.has(task.status)) finished.push(task);
  }
  if (finished.length <= LIVE_FINISHED_KEPT * 1.5) return tasks;
  finished.sort((a, b) => b.updatedAt - a.updatedAt);
  for (const task of finished.slice(LIVE_FINISHED_KEPT)) delete tasks[task.id];
  return tasks;
}
