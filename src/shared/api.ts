import type { DepthSeries, FleetSnapshot, HostEvent, SeriesWindow, ServerId, ServerView } from './fleet';

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
  | 'store_unavailable';

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
