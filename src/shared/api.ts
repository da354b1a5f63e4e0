import type { DepthSeries, FleetSnapshot, HostEvent, SeriesWindow, ServerId, ServerView } from './fleet';
import type {
  AttemptView,
  AuditPage,
  ComfyWorkflow,
  LiveTaskPage,
  LockView,
  SessionId,
  SubmitOutcome,
  TaskCounts,
  TaskCountScope,
  TaskEvent,
  TaskId,
  TaskPolicy,
  TaskQuery,
  TaskRequirements,
  TaskView,
} from './tasks';

/** One line of the engine's log (U7). */
export interface LogLine {
  /** Increases by one per line. */
  seq: number;
  at: number;
  level: 'info' | 'verbose';
  text: string;
}

/** What the Settings view shows and changes (U6). Timings are the ones in force. */
export interface ConsoleSettings {
  database: { backend: 'sqlite' | 'postgres'; label: string } | null;
  /** S4: finished tasks older than this are purged; null keeps everything. */
  retentionDays: number | null;
  dispatch: { maxQueued: number; submitsPerSecond: number; submitBurst: number };
  /** F2 probe timings (set when the console starts). */
  probe: { queueIntervalMs: number; statsIntervalMs: number; timeoutMs: number };
  verbose: boolean;
  clientId: string;
  /** M3: whether this host can start the demo fleet from the console, and whether it runs. */
  demo: 'available' | 'running' | 'unavailable';
}

/** What the Settings view may change while the console runs. */
export interface SettingsPatch {
  retentionDays?: number | null;
  dispatch?: Partial<ConsoleSettings['dispatch']>;
}

export interface SubmitArgs {
  /** ComfyUI API-format graph (T1). */
  workflow: unknown;
  /** Task type (its policy, T2); `default` when omitted. */
  type?: string;
  /** Idempotency key, e.g. an order id (T2). */
  key?: string | null;
  /** Session the task belongs to (L1); the caller's own session when omitted. */
  sessionId?: SessionId;
  /** Manual pin to one server (B5). */
  pinServerId?: ServerId | null;
  requirements?: TaskRequirements;
}

/** A task with what its detail view needs (U3); the workflow is fetched apart (it may be megabytes). */
export interface TaskDetail {
  task: TaskView;
  attempts: AttemptView[];
  events: TaskEvent[];
}

/** L4: what happens to the session's unfinished tasks when an operator breaks its lock. */
export type UnlockChoice = 'requeue' | 'cancel' | 'leave';

export interface UnlockResult {
  lock: LockView;
  /** What was done to each unfinished task of the session. */
  tasks: { id: TaskId; outcome: 'requeued' | 'cancelled' | 'left' | 'refused'; note: string }[];
}

export interface CancelResult {
  task: TaskView;
  /** `done`: the task is cancelled; `requested`: the server was asked to stop it, the outcome follows as events. */
  state: 'done' | 'requested';
}

/** An output file of a task, read from the console's data folder (never from a server). */
export interface OutputFile {
  contentType: string;
  /** The bytes, base64: the renderer gets pictures without file-system access. */
  base64: string;
}

/**
 * The API between the engine and any UI, independent of transport (Electron IPC or the
 * headless WebSocket bridge). Commands go renderer → engine and always answer with a
 * {@link Result}; state goes engine → renderer as a snapshot followed by numbered delta batches.
 */
export interface Commands {
  'fleet.snapshot': { args: Record<string, never>; result: FleetSnapshot };
  'servers.add': { args: { url: string; name?: string; maxInFlight?: number; tags?: string[] }; result: ServerView };
  /** Edit, enable/disable, drain/undrain (F1): only the given fields change. */
  'servers.update': {
    args: { id: ServerId; name?: string; url?: string; maxInFlight?: number; tags?: string[]; enabled?: boolean; drained?: boolean };
    result: ServerView;
  };
  'servers.remove': { args: { id: ServerId }; result: { id: ServerId } };
  /** F4: a server's queue-depth series for a chart window. */
  'servers.series': { args: { id: ServerId; window: SeriesWindow }; result: DepthSeries };
  /** U7: log every socket and probe event, or only the summary and changes. */
  'log.setVerbose': { args: { verbose: boolean }; result: { verbose: boolean } };
  /** U7: the newest log lines (new ones then arrive as `log.line` deltas). */
  'log.tail': { args: { limit?: number }; result: { lines: LogLine[]; verbose: boolean } };
  /** U6. */
  'settings.get': { args: Record<string, never>; result: ConsoleSettings };
  'settings.set': { args: SettingsPatch; result: ConsoleSettings };

  /** T1, T2: outcome `created`, `deduplicated` or `conflict`; never anything else. */
  'tasks.submit': { args: SubmitArgs; result: SubmitOutcome };
  'tasks.get': { args: { id: TaskId }; result: TaskDetail };
  /** Each row carries the dispatcher's live `waiting` reason, as `tasks.get` does. */
  'tasks.list': { args: TaskQuery; result: LiveTaskPage };
  /** Tasks per status, of all tasks or of those on one server, of one type or session, matching a search (U2's chips). */
  'tasks.counts': { args: TaskCountScope; result: TaskCounts };
  'tasks.workflow': { args: { id: TaskId }; result: ComfyWorkflow };
  /** T7. */
  'tasks.cancel': { args: { id: TaskId; reason?: string }; result: CancelResult };
  /** T8: a new task linked to this one; `force` (with a reason) for a `once` task that succeeded. */
  'tasks.rerun': { args: { id: TaskId; workflow?: unknown; force?: boolean; reason?: string }; result: SubmitOutcome };
  /** T6: an output (or its thumbnail) of a task. */
  'tasks.output': { args: { id: TaskId; index: number; thumbnail?: boolean }; result: OutputFile };
  /** L5. */
  'locks.list': { args: Record<string, never>; result: LockView[] };
  /** L4: audited; the reason is required. */
  'locks.unlock': { args: { sessionId: SessionId; reason: string; unfinished: UnlockChoice }; result: UnlockResult };
  'audit.list': { args: { cursor?: string | null; limit?: number; target?: string }; result: AuditPage };
  /** T2: task types and their policies (U6). */
  'types.list': { args: Record<string, never>; result: TaskPolicy[] };
  'types.set': { args: TaskPolicy; result: TaskPolicy };
  /** M3: start three simulated servers and a trickle of tasks (offered by the empty fleet view). */
  'demo.start': { args: Record<string, never>; result: { servers: string[] } };
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Commands[K]['result'];

/** Stable error codes; the message is for people, the code is for programs. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unknown_command'
  | 'invalid_url'
  | 'not_found'
  | 'conflict'
  | 'disconnected'
  | 'internal'
  // The task ledger (src/main/engine/store): the same codes on SQLite and PostgreSQL.
  | 'version_conflict'
  | 'terminal'
  | 'illegal_transition'
  | 'unknown_type'
  | 'invalid_workflow'
  | 'too_large'
  | 'rerun_refused'
  | 'corrupt_database'
  | 'incompatible_database'
  | 'store_busy'
  | 'store_unavailable'
  // The dispatcher.
  | 'queue_full'
  | 'unauthorized'
  /** The host does not offer this (e.g. the demo fleet in a build without the simulator). */
  | 'unavailable';

export interface ApiError {
  code: ApiErrorCode;
  /** Says what happened, to what, and what to do. */
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** What a host gives the renderer: typed calls in, events out. */
export interface FleetApi {
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<Result<CommandResult<K>>>;
  /**
   * Listen to host events. The first event delivered is always a snapshot; after it, delta
   * batches in seq order. Returns a function that stops listening.
   */
  subscribe(listener: (event: HostEvent) => void): () => void;
}
