import type { LogLine } from './api';
import type { LiveTaskView, LockView, SessionId, TaskCounts } from './tasks';

/**
 * Domain types of the fleet as the engine reports it. Plain data only: these travel over
 * Electron IPC and the headless WebSocket bridge unchanged.
 */

export type ServerId = string;

/** What an operator configures about a server (F1); persisted by the server registry. */
export interface ServerConfig {
  id: ServerId;
  /** Unique in the fleet; how messages and logs name the server. */
  name: string;
  /** http(s) base URL without a trailing slash. */
  url: string;
  /** A disabled server gets no tasks and is not probed or connected. */
  enabled: boolean;
  /** A drained server gets no new tasks but finishes what it has. */
  drained: boolean;
  /** Tasks of ours allowed on the server at once (default 2: one running, one waiting there). */
  maxInFlight: number;
  tags: string[];
  /** Epoch ms. */
  addedAt: number;
}

/** State of the console's one WebSocket to a server (F3). */
export type SocketState = 'connecting' | 'open' | 'closed';

/** Close codes classified per F3; `other` keeps the raw code in {@link SocketClose.code}. */
export type CloseKind = 'normal' | 'going_away' | 'abnormal' | 'server_error' | 'other';

export interface SocketClose {
  code: number;
  kind: CloseKind;
  reason: string;
  /** Epoch ms. */
  at: number;
}

export interface SocketView {
  state: SocketState;
  /** The clientId the console owns on this server. */
  clientId: string;
  connectedAt: number | null;
  lastClose: SocketClose | null;
  /** Consecutive failed or dropped connections since the last stable one. */
  reconnectAttempt: number;
  /** When the next connection attempt is due, if one is scheduled (epoch ms). */
  nextAttemptAt: number | null;
}

/**
 * Queue depth of a server. `total` comes live from WebSocket `status` frames
 * (`queue_remaining` = pending + running); the split into running/pending comes from the
 * most recent `GET /queue`, clamped so that running + pending === total.
 */
export interface QueueDepth {
  running: number;
  pending: number;
  total: number;
  /** Epoch ms of the last update. */
  at: number;
  /** What produced the latest figure. */
  source: 'ws' | 'probe';
}

/**
 * Health of a server as the probes and the socket see it (F2):
 *
 *   unknown ──good probe──▶ healthy ◀──good probe── degraded
 *      │                      │  ▲                      ▲
 *      │                      │  └──── good probe ───┐  │ slow probe, socket down but HTTP answers,
 *      │                      └──────────────────────┼──┘ one failed probe, socket silent
 *      └── N failed probes ──▶ unhealthy ────────────┘
 *
 * `unhealthy` after N consecutive failed probes (default 2); one good probe leaves it.
 */
export type HealthState = 'unknown' | 'healthy' | 'degraded' | 'unhealthy';

export interface HealthView {
  state: HealthState;
  /** Why the server is in this state, for people: `GET /queue timed out after 5000 ms (2 in a row)`. */
  reason: string;
  /** Epoch ms the state was entered. */
  since: number;
  consecutiveFailures: number;
  /** Epoch ms of the last probe that answered, and how long it took. */
  lastOkAt: number | null;
  lastLatencyMs: number | null;
}

/** F5: from `GET /system_stats`, refreshed less often than the queue probe. */
export interface SystemStatsView {
  comfyuiVersion: string | null;
  /** The first device, as ComfyUI names it (e.g. `cuda:0 NVIDIA H100 : cudaMallocAsync`). */
  deviceName: string | null;
  vramTotal: number | null;
  vramFree: number | null;
  ramTotal: number | null;
  ramFree: number | null;
  /** Epoch ms of the answer. */
  at: number;
}

export interface ServerView extends ServerConfig {
  socket: SocketView;
  /** Null until the first `status` frame or probe answered. */
  queue: QueueDepth | null;
  health: HealthView;
  /** Null until `/system_stats` first answered. */
  stats: SystemStatsView | null;
  /** Tasks of this console on the server right now (dispatched or running). */
  inFlight: number;
  /** Jobs the server finished in the last full minute (from the fall of its live queue depth). */
  finishedLastMinute: number;
  /** Last error talking to this server over HTTP, if the latest attempt failed. */
  lastError: string | null;
}

/** F4: one point of a server's queue-depth series. */
export interface DepthPoint {
  /** Epoch ms at the start of the bucket. */
  t: number;
  /** Queue depth (running + pending) at the end of the bucket; the max within it for downsampled points. */
  total: number;
  running: number;
  pending: number;
  /** Jobs the server finished within the bucket. */
  finished: number;
}

/** Chart windows of U1. */
export type SeriesWindow = '5m' | '15m' | '60m' | '24h';

export interface DepthSeries {
  id: ServerId;
  window: SeriesWindow;
  /** Bucket width of the points: 1 s up to an hour, 1 min beyond. */
  stepMs: number;
  points: DepthPoint[];
}

export interface FleetSnapshot {
  /** Sequence number of the last delta batch included in this snapshot. */
  seq: number;
  at: number;
  servers: ServerView[];
  /** Session locks (L5); empty when the engine has no ledger. */
  locks: LockView[];
  /** Tasks per status; null when the engine has no ledger. */
  counts: TaskCounts | null;
}

/** One change to the console's state; batches of these follow a snapshot. */
export type FleetDelta =
  | { type: 'server.upsert'; server: ServerView }
  | { type: 'server.removed'; id: ServerId }
  /** A task changed (status, progress, waiting reason); a terminal one is sent once more, then no longer. */
  | { type: 'task.upsert'; task: LiveTaskView }
  | { type: 'lock.upsert'; lock: LockView }
  | { type: 'lock.removed'; sessionId: SessionId }
  /** Task counts per status, at most once a second while tasks change. */
  | { type: 'tasks.counts'; counts: TaskCounts }
  /** A new line of the engine's log (U7). */
  | { type: 'log.line'; line: LogLine };

/** Deltas are batched (coalesced per server) and numbered; seq increases by exactly 1 per batch. */
export interface DeltaBatch {
  seq: number;
  at: number;
  deltas: FleetDelta[];
}

/** Everything the host pushes to the renderer. */
export type HostEvent = { type: 'snapshot'; snapshot: FleetSnapshot } | { type: 'deltas'; batch: DeltaBatch };
