import type { LogLine } from '../../../../../../shared/api';
import type { DeltaBatch, ServerId, ServerView } from '../../../../../../shared/fleet';
import type { LiveTaskView, LockView, SessionId, TaskCounts, TaskId } from '../../../../../../shared/tasks';

/**
 * How far the view is in step with the engine:
 *   waiting ──snapshot──▶ live ──seq gap──▶ resyncing ──snapshot──▶ live
 */
export type SyncState = 'waiting' | 'live' | 'resyncing';

/**
 * Everything the engine pushes, in one seq stream: servers, locks, task counts, the tasks that
 * changed since the view connected, and the log. History (task pages, audit) is fetched by the
 * views on demand (S4); only the live edge is kept here, bounded.
 */
export interface LiveState {
  /** Seq of the last batch applied; null until the first snapshot. */
  seq: number | null;
  /** Engine time of the snapshot the view was last rebuilt from. */
  snapshotAt: number | null;
  /** Server ids in display order: the snapshot's order, then new servers appended. */
  order: ServerId[];
  byId: Record<ServerId, ServerView>;
  sync: SyncState;
  /** Batches newer than a gap, kept while a fresh snapshot is on its way. */
  held: DeltaBatch[];
  /** L5: session locks by session. */
  locks: Record<SessionId, LockView>;
  /** Tasks per status; null when the engine runs without a ledger. */
  counts: TaskCounts | null;
  /**
   * Tasks seen in `task.upsert` deltas since the view connected: every unfinished one, and the
   * most recently finished ones (bounded by {@link LIVE_FINISHED_KEPT}). Survives a resync:
   * a snapshot carries no tasks, and a stale row is corrected by its next delta or page fetch.
   */
  tasks: Record<TaskId, LiveTaskView>;
  /** Bumped whenever `tasks` changes, so a view can cheaply notice it. */
  tasksVersion: number;
  /** The newest log lines (U7), oldest first, bounded by {@link LOG_LINES_KEPT}. */
  log: LogLine[];
}

/** Finished tasks kept in the live map; older ones are read back from the ledger by page. */
export const LIVE_FINISHED_KEPT = 2000;
export const LOG_LINES_KEPT = 2000;

export const initialLiveState: LiveState = {
  seq: null,
  snapshotAt: null,
  order: [],
  byId: {},
  sync: 'waiting',
  held: [],
  locks: {},
  counts: null,
  tasks: {},
  tasksVersion: 0,
  log: [],
};
