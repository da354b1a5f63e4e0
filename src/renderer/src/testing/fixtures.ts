import type { LockView, TaskView } from '../../../shared/tasks';
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

export { taskView as task } from '../../../../test/support/task-view';

export function lock(sessionId: string, serverId: string, extra: Partial<LockView> = {}): LockView {
  return { sessionId, serverId, acquiredAt: 1000, renewedAt: 1000, state: 'held', stuckReason: null, stuckSince: null, unfinishedTasks: 1, ...extra };
}

export const taskUpsert = (task: TaskView): FleetDelta => ({ type: 'task.upsert', task: { ...task, waiting: null } });
export const lockUpsert = (l: LockView): FleetDelta => ({ type: 'lock.upsert', lock: l });
export const lockRemoved = (sessionId: string): FleetDelta => ({ type: 'lock.removed', sessionId });
export const logLine = (seq: number, text: string): FleetDelta => ({ type: 'log.line', line: { seq, at: 1000 + seq, level: 'info', text } });
