import type { ServerId } from '../../../shared/fleet';
import type {
  ActiveTaskStatus,
  AttemptView,
  AuditEntry,
  AuditPage,
  ComfyWorkflow,
  LockView,
  SessionId,
  SubmitOutcome,
  TaskCounts,
  TaskCountScope,
  TaskEvent,
  TaskId,
  TaskPage,
  TaskPolicy,
  TaskProgress,
  TaskQuery,
  TaskRequirements,
  TaskView,
} from '../../../shared/tasks';
import type { Clock } from '../core/clock';
import type { ServerRegistry } from '../fleet/server-registry';
import type { TaskChange } from '../tasks/move-to';

/**
 * The task ledger (T1–T3, T8, S1–S4, store side of L2–L5), as domain operations only: no
 * transaction or connection type leaks out (BullMQ's backend contract). SQLite and PostgreSQL
 * implement it with the same behaviour; every method fails with a `LedgerError` whose code is
 * the same on both.
 */
export interface Store extends ServerRegistry {
  readonly backend: 'sqlite' | 'postgres';
  /** The database in messages: file path, or URL without password. */
  readonly label: string;

  // ── task types (T2) ──────────────────────────────────────────────────────────────
  /** Adds or replaces the policy of a task type. */
  registerTaskType(policy: TaskPolicy): Promise<TaskPolicy>;
  /** The built-in `default` type and every registered one, by name. */
  listTaskTypes(): Promise<TaskPolicy[]>;
  /** Throws `unknown_type` listing the known types. */
  getTaskPolicy(type: string): Promise<TaskPolicy>;

  // ── tasks ─────────────────────────────────────────────────────────────────────────
  /** Validates the workflow (T1) and records a task, or returns the task holding the key (T2). */
  submit(request: SubmitRequest): Promise<SubmitOutcome>;
  /** A new task linked to its parent (T8); a succeeded `once` task only when forced, audited. */
  rerun(request: RerunRequest): Promise<SubmitOutcome>;
  /**
   * Moves a task through the state machine (T3) if it is still at `expectedVersion`; records
   * the event and, for dispatches, the attempt in the same transaction. Throws
   * `version_conflict`, `terminal`, `illegal_transition` or `not_found`.
   */
  transition(taskId: TaskId, change: TaskChange, guard: VersionGuard): Promise<TaskView>;
  /** Progress of a dispatched or running task; versioned like a transition. */
  reportProgress(taskId: TaskId, progress: TaskProgress, guard: VersionGuard): Promise<TaskView>;
  /** A note on the task's timeline (server message, warning); the row is not changed. */
  appendMessage(taskId: TaskId, level: 'info' | 'warning' | 'error', text: string): Promise<TaskEvent>;
  getTask(taskId: TaskId): Promise<TaskView | null>;
  getWorkflow(taskId: TaskId): Promise<ComfyWorkflow | null>;
  /** The task and attempt that own a prompt_id (any attempt, current or earlier). */
  findByPromptId(promptId: string): Promise<{ task: TaskView; attempt: AttemptView } | null>;
  /** A page of tasks, newest first, with the total that matches (S4). */
  listTasks(query?: TaskQuery): Promise<TaskPage>;
  /** Non-terminal tasks, oldest first: the dispatcher's queue and start-up reconciliation. */
  listUnfinished(query?: UnfinishedQuery): Promise<UnfinishedPage>;
  countByStatus(filter?: TaskCountScope): Promise<TaskCounts>;
  /** A task's events, oldest first. */
  listEvents(taskId: TaskId, options?: { afterId?: number; limit?: number }): Promise<TaskEvent[]>;
  listAttempts(taskId: TaskId): Promise<AttemptView[]>;
  /** Rebuilds task rows from their events and reports any that disagree (a page at a time). */
  verifyTasks(options?: { cursor?: string | null; limit?: number }): Promise<VerifyPage>;

  // ── retention (S4) ───────────────────────────────────────────────────────────────
  /** Null: keep everything (the default). */
  getRetentionDays(): Promise<number | null>;
  setRetentionDays(days: number | null): Promise<void>;
  /**
   * Deletes terminal tasks (with their events, attempts and workflows) that ended more than
   * `olderThanDays` (default: the retention setting) ago, in small batches. Returns how many.
   */
  purgeTerminalTasks(options?: PurgeOptions): Promise<number>;

  // ── session locks: atomic primitives; when to use them is the dispatcher's policy ──
  /** Takes the session's lock for `serverId`, or returns the existing holder unchanged. */
  acquireLock(sessionId: SessionId, serverId: ServerId): Promise<{ lock: LockView; acquired: boolean }>;
  /** Refreshes `renewedAt` if `serverId` holds the lock; null if it does not. */
  renewLock(sessionId: SessionId, serverId: ServerId): Promise<LockView | null>;
  /** Releases the lock only if the session has no unfinished task, in one statement. */
  releaseLockIfIdle(sessionId: SessionId): Promise<boolean>;
  /** The sweep's safety net (L3): releases every lock whose session has no unfinished task. */
  releaseIdleLocks(): Promise<SessionId[]>;
  markLockStuck(sessionId: SessionId, reason: string): Promise<LockView | null>;
  markLockHeld(sessionId: SessionId): Promise<LockView | null>;
  /** Operator force-unlock (L4): removes the lock and writes the audit entry in one transaction. */
  forceReleaseLock(sessionId: SessionId, audit: { actor: string; reason: string; details?: unknown }): Promise<LockView>;
  getLock(sessionId: SessionId): Promise<LockView | null>;
  /** Every lock with its unfinished-task count (L5). */
  listLocks(): Promise<LockView[]>;

  // ── audit and settings ───────────────────────────────────────────────────────────
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(options?: { limit?: number; cursor?: string | null; target?: string }): Promise<AuditPage>;
  /** A JSON value, or undefined when the key was never set. Parse it with zod where it is used. */
  getSetting(key: string): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;

  /** Closes connections; safe to call twice. */
  close(): Promise<void>;
}

export interface SubmitRequest {
  /** Task type; `default` when omitted. */
  type?: string;
  sessionId: SessionId;
  /** Idempotency key, e.g. an order id (T2). */
  key?: string | null;
  /** ComfyUI API-format graph, as JSON text or parsed data. */
  workflow: unknown;
  /** Manual pin to one server (B5). */
  pinServerId?: ServerId | null;
  /** Node classes and models a server must have (B5); kept with the task, copied to re-runs. */
  requirements?: TaskRequirements | null;
}

export interface RerunRequest {
  parentId: TaskId;
  /** An edited workflow; the parent's when omitted. */
  workflow?: unknown;
  /** The parent's session when omitted. */
  sessionId?: SessionId;
  /** Who asked, for the audit log. */
  actor: string;
  reason?: string | null;
  /** Needed (with a reason) to re-run a `once` task that succeeded. */
  force?: boolean;
}

export interface VersionGuard {
  expectedVersion: number;
}

export interface UnfinishedQuery {
  status?: ActiveTaskStatus[];
  serverId?: ServerId;
  limit?: number;
  cursor?: string | null;
}

export interface UnfinishedPage {
  items: TaskView[];
  nextCursor: string | null;
}

export interface VerifyPage {
  checked: number;
  /** Tasks whose row is not what their events make of them, with the reason. */
  mismatched: { taskId: TaskId; problem: string }[];
  nextCursor: string | null;
}

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  reason?: string | null;
  details?: unknown;
}

export interface LedgerOptions {
  clock?: Clock;
  /** Task ids; random UUIDs by default. */
  newId?: () => string;
  /** Size limit of a workflow's JSON text; 5 MB by default (T1). */
  maxWorkflowBytes?: number;
}

export interface PurgeOptions {
  /** Default: the retention setting. */
  olderThanDays?: number;
  /** Called with the ids of each batch once its rows are gone, e.g. to delete their output files. */
  onPurged?: (ids: string[]) => void | Promise<void>;
}
