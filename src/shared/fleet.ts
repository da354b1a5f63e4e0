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

export interface ServerView {
  id: ServerId;
  name: string;
  /** Base URL, e.g. `http://127.0.0.1:8188`, without a trailing slash. */
  url: string;
  enabled: boolean;
  socket: SocketView;
  /** Null until the first `status` frame or probe answered. */
  queue: QueueDepth | null;
  /** Last error talking to this server over HTTP, if the latest attempt failed. */
  lastError: string | null;
}

export interface FleetSnapshot {
  /** Sequence number of the last delta batch included in this snapshot. */
  seq: number;
  at: number;
  servers: ServerView[];
}

/** One change to the fleet state; batches of these follow a snapshot. */
export type FleetDelta =
  | { type: 'server.upsert'; server: ServerView }
  | { type: 'server.removed'; id: ServerId };

/** Deltas are batched (coalesced per server) and numbered; seq increases by exactly 1 per batch. */
export interface DeltaBatch {
  seq: number;
  at: number;
  deltas: FleetDelta[];
}

/** Everything the host pushes to the renderer. */
export type HostEvent = { type: 'snapshot'; snapshot: FleetSnapshot } | { type: 'deltas'; batch: DeltaBatch };
