import type { DepthSeries as DepthSeriesView, QueueDepth, SeriesWindow, ServerConfig, ServerView, SocketView, SystemStatsView } from '../../../shared/fleet';
import type { BackoffOptions } from '../comfy/backoff';
import { ServerSession } from '../comfy/server-session';
import type { KnownFrame } from '../comfy/ws-frames';
import type { Clock, Random, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { DisposableStore } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { Logger } from '../core/logger';
import { DepthSeries } from './depth-series';
import type { HealthPolicy } from './health';
import { HealthTracker } from './health';

/** The two calls the monitor probes with; the ComfyUI client implements them. */
export interface ProbeClient {
  queue(opts?: ProbeCallOptions): Promise<{ running: readonly unknown[]; pending: readonly unknown[] }>;
  systemStats(opts?: ProbeCallOptions): Promise<{
    comfyuiVersion: string | null;
    ramTotal: number | null;
    ramFree: number | null;
    devices: readonly { name: string; vramTotal: number | null; vramFree: number | null }[];
  }>;
}

/** The client is shared with the task side, whose calls keep the client's own deadline: probes carry theirs per call. */
export interface ProbeCallOptions {
  timeoutMs?: number;
}

/** F2 timings, with defaults in {@link DEFAULT_PROBE_TIMING}. */
export interface ProbeTiming {
  /** `GET /queue` at least this often (it also runs after every change of the live depth). */
  queueIntervalMs: number;
  /** `GET /system_stats` this often. */
  statsIntervalMs: number;
  /** Per-call deadline (F2: 5 s). */
  timeoutMs: number;
  /** After a failed probe, the next one comes this soon, so N failures take well under 2 s (F6). */
  retryMs: number;
  /** Consecutive probes that must see the queue move without a `status` frame before the socket counts as silent. */
  silentStrikes: number;
}

export const DEFAULT_PROBE_TIMING: ProbeTiming = { queueIntervalMs: 5_000, statsIntervalMs: 30_000, timeoutMs: 5_000, retryMs: 500, silentStrikes: 2 };

export interface ServerMonitorDeps<C extends ProbeClient = ProbeClient> {
  clock: Clock;
  random: Random;
  clientId: string;
  backoff?: Partial<BackoffOptions>;
  health: HealthPolicy;
  probe: ProbeTiming;
  /** The server's one ComfyUI client, made again when its URL or name changes. */
  createClient: (config: ServerConfig) => C;
  log: Logger;
}

/**
 * Everything the console knows about one server, kept live: its WebSocket session, probes of
 * `/queue` and `/system_stats`, health, queue depth and its time series. A disabled server has
 * no session and no probes.
 */
export class ServerMonitor<C extends ProbeClient = ProbeClient> implements Disposable {
  private current: ServerView;
  private session: ServerSession | null = null;
  private sessionDisposables = new DisposableStore();
  private currentClient: C;
  private readonly health: HealthTracker;
  private readonly depthSeries = new DepthSeries();
  private queueProbe = { inFlight: false, again: false };
  private queueTimer: TimerHandle | null = null;
  private statsTimer: TimerHandle | null = null;
  /** When the latest `status` frame arrived; a probe that started earlier must not override its total. */
  private lastStatusAt = 0;
  /** The total of the latest `status` frame, to tell a silent socket from a live one. */
  private lastWsTotal: number | null = null;
  private silentStrikes = 0;
  /** Bumped whenever the session or client is replaced, so late answers of the old one are dropped. */
  private generation = 0;
  private disposed = false;

  private readonly onChangeEmitter = new Emitter<ServerView>();
  private readonly onFrameEmitter = new Emitter<KnownFrame>();
  private readonly onInFlightEmitter = new Emitter<ServerView>();
  /** Fires with the new view after every change of the server itself (not of our in-flight count). */
  readonly onChange = this.onChangeEmitter.event;
  /** Every schema-valid frame from the server's socket (task tracking listens here). */
  readonly onFrame = this.onFrameEmitter.event;
  /** Fires with the new view after {@link setInFlight} changed the count. */
  readonly onInFlight = this.onInFlightEmitter.event;

  constructor(
    config: ServerConfig,
    private readonly deps: ServerMonitorDeps<C>,
  ) {
    const now = deps.clock.now();
    this.health = new HealthTracker(deps.health, now);
    this.currentClient = deps.createClient(config);
    this.current = {
      ...config,
      tags: [...config.tags],
      socket: { state: 'closed', clientId: deps.clientId, connectedAt: null, lastClose: null, reconnectAttempt: 0, nextAttemptAt: null },
      queue: null,
      health: config.enabled ? this.health.view : this.health.enabled(now, false),
      stats: null,
      inFlight: 0,
      finishedLastMinute: 0,
      lastError: null,
    };
    if (config.enabled) this.start();
  }

  get view(): ServerView {
    return this.current;
  }

  /** The ComfyUI client of the server's current URL: the probes' and the tasks' alike. */
  get client(): C {
    return this.currentClient;
  }

  get config(): ServerConfig {
    const { id, name, url, enabled, drained, maxInFlight, tags, addedAt } = this.current;
    return { id, name, url, enabled, drained, maxInFlight, tags: [...tags], addedAt };
  }

  /** Applies a configuration change; a new URL or name, or enabling, starts a fresh session. */
  reconfigure(next: ServerConfig): void {
    const prev = this.current;
    const restart = next.url !== prev.url || next.name !== prev.name || next.enabled !== prev.enabled;
    this.patch({ ...next, tags: [...next.tags] });
    if (!restart) return;
    this.stop();
    const now = this.deps.clock.now();
    this.currentClient = this.deps.createClient(next);
    // stop() drops the old session's close event: the socket it reported is gone, not open or retrying.
    const socket: SocketView = { state: 'closed', clientId: this.deps.clientId, connectedAt: null, lastClose: null, reconnectAttempt: 0, nextAttemptAt: null };
    this.patch({ socket, health: this.health.enabled(now, next.enabled), queue: null, stats: null, lastError: null });
    if (next.enabled) this.start();
  }

  /**
   * Our tasks there, as the dispatcher counts them, for the card. It fires {@link onInFlight},
   * never {@link onChange}: the dispatcher's own bookkeeping must not come back to it as a change
   * of the server.
   */
  setInFlight(n: number): void {
    if (n === this.current.inFlight || this.disposed) return;
    this.current = { ...this.current, inFlight: n };
    this.onInFlightEmitter.fire(this.current);
  }

  series(window: SeriesWindow): DepthSeriesView {
    const { stepMs, points } = this.depthSeries.read(window, this.deps.clock.now());
    return { id: this.current.id, window, stepMs, points };
  }

  /** Once a second from the fleet: keeps the finished-per-minute figure moving while nothing else does. */
  tick(now: number): void {
    const finished = this.depthSeries.finishedLastMinute(now);
    if (finished !== this.current.finishedLastMinute) this.patch({ finishedLastMinute: finished });
  }

  private start(): void {
    const gen = ++this.generation;
    const { name, url } = this.current;
    const session = new ServerSession({
      serverName: name,
      baseUrl: url,
      clientId: this.deps.clientId,
      clock: this.deps.clock,
      random: this.deps.random,
      backoff: this.deps.backoff,
    });
    this.session = session;
    const d = (this.sessionDisposables = new DisposableStore());
    d.add(session);
    d.add(session.onState((socket) => this.onSocket(gen, socket)));
    d.add(
      session.onFrame((frame) => {
        if (frame.type === 'status') this.onStatus(frame.data.status.exec_info.queue_remaining);
        this.onFrameEmitter.fire(frame);
      }),
    );
    d.add(session.onInvalidFrame((msg) => this.deps.log.verbose(msg)));
    session.start();
    this.probeQueue();
    this.probeStats();
  }

  private stop(): void {
    this.generation++;
    this.sessionDisposables.dispose();
    this.session = null;
    this.deps.clock.clearTimeout(this.queueTimer);
    this.deps.clock.clearTimeout(this.statsTimer);
    this.queueTimer = this.statsTimer = null;
    this.queueProbe = { inFlight: false, again: false };
    this.silentStrikes = 0;
    this.lastWsTotal = null;
  }

  private onSocket(gen: number, socket: SocketView): void {
    if (gen !== this.generation) return;
    const now = this.deps.clock.now();
    const prev = this.current.socket;
    // Down means it was up once: a first connect still in progress is not evidence of anything.
    const down = socket.state !== 'open' && socket.lastClose !== null;
    const close = socket.lastClose;
    const detail = close ? `closed ${close.code} (${close.kind})${close.reason ? `: ${close.reason}` : ''}` : null;
    this.patch({ socket, health: this.health.socket(now, down, detail) });
    if (socket.state === 'open' && prev.state !== 'open') {
      this.deps.log.verbose(`server "${this.current.name}": WebSocket open`);
      this.probeQueue();
    }
    if (socket.state === 'closed' && prev.state !== 'closed' && close) {
      this.deps.log.verbose(`server "${this.current.name}": WebSocket ${detail}; next attempt in ${socket.nextAttemptAt === null ? '—' : `${socket.nextAttemptAt - now} ms`}`);
      // F6: an abnormal close may be a dead server; ask now instead of at the next poll.
      if (close.kind !== 'normal') this.probeQueue();
    }
  }

  private onStatus(total: number): void {
    const now = this.deps.clock.now();
    this.lastStatusAt = now;
    this.lastWsTotal = total;
    this.silentStrikes = 0;
    this.patch({ health: this.health.silent(now, false) });
    // Until the probe answers, assume ComfyUI's single worker runs one job whenever any is queued.
    const prev = this.current.queue;
    const running = Math.min(total, prev && prev.total === total ? prev.running : total > 0 ? 1 : 0);
    this.setQueue({ total, running, pending: total - running, at: now, source: 'ws' });
    this.probeQueue();
  }

  private setQueue(queue: QueueDepth): void {
    this.depthSeries.record(queue.at, queue);
    this.patch({ queue });
  }

  /** At most one queue probe in flight; changes during it cause exactly one more. */
  private probeQueue(): void {
    if (this.disposed || !this.current.enabled) return;
    if (this.queueProbe.inFlight) {
      this.queueProbe.again = true;
      return;
    }
    this.deps.clock.clearTimeout(this.queueTimer);
    this.queueTimer = null;
    this.queueProbe = { inFlight: true, again: false };
    const gen = this.generation;
    const { clock } = this.deps;
    const startedAt = clock.now();
    this.currentClient.queue({ timeoutMs: this.deps.probe.timeoutMs }).then(
      (q) => {
        if (gen !== this.generation) return;
        const now = clock.now();
        const probed = q.running.length + q.pending.length;
        const socketOpen = this.current.socket.state === 'open';
        const wsNewer = this.lastStatusAt > startedAt && socketOpen;
        const total = wsNewer && this.current.queue ? this.current.queue.total : probed;
        const running = Math.min(q.running.length, total);
        this.noteSilence(now, socketOpen && !wsNewer && this.lastWsTotal !== null && this.lastWsTotal !== probed);
        this.patch({ health: this.health.probeOk(now, 'GET /queue', now - startedAt), lastError: null });
        this.setQueue({ total, running, pending: total - running, at: now, source: 'probe' });
        this.afterQueueProbe(gen);
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        this.probeFailed(err, 'GET /queue');
        this.afterQueueProbe(gen);
      },
    );
  }

  private afterQueueProbe(gen: number): void {
    if (gen !== this.generation || this.disposed) return;
    this.queueProbe.inFlight = false;
    if (this.queueProbe.again) return this.probeQueue();
    const { probe, health } = this.deps;
    // Failing but not yet unhealthy: confirm quickly (F6). Otherwise the regular interval.
    const failures = this.health.view.consecutiveFailures;
    const delay = failures > 0 && failures < health.failuresToUnhealthy ? probe.retryMs : probe.queueIntervalMs;
    this.queueTimer = this.deps.clock.setTimeout(() => this.probeQueue(), delay);
  }

  /** The socket is open, yet probes keep seeing a depth no `status` frame announced: it stopped delivering. */
  private noteSilence(now: number, disagrees: boolean): void {
    this.silentStrikes = disagrees ? this.silentStrikes + 1 : 0;
    const silent = this.silentStrikes >= this.deps.probe.silentStrikes;
    if (silent && this.silentStrikes === this.deps.probe.silentStrikes) {
      this.deps.log.verbose(`server "${this.current.name}": WebSocket open but silent; queue depth now comes from probes`);
    }
    this.patch({ health: this.health.silent(now, silent) });
  }

  private probeStats(): void {
    if (this.disposed || !this.current.enabled) return;
    this.deps.clock.clearTimeout(this.statsTimer);
    this.statsTimer = null;
    const gen = this.generation;
    const { clock } = this.deps;
    const startedAt = clock.now();
    const next = () => {
      if (gen === this.generation && !this.disposed) this.statsTimer = clock.setTimeout(() => this.probeStats(), this.deps.probe.statsIntervalMs);
    };
    this.currentClient.systemStats({ timeoutMs: this.deps.probe.timeoutMs }).then(
      (s) => {
        if (gen !== this.generation) return;
        const now = clock.now();
        const device = s.devices[0];
        const stats: SystemStatsView = {
          comfyuiVersion: s.comfyuiVersion,
          deviceName: device?.name ?? null,
          vramTotal: device?.vramTotal ?? null,
          vramFree: device?.vramFree ?? null,
          ramTotal: s.ramTotal,
          ramFree: s.ramFree,
          at: now,
        };
        this.patch({ stats, health: this.health.probeOk(now, 'GET /system_stats', now - startedAt) });
        next();
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        this.probeFailed(err, 'GET /system_stats');
        next();
      },
    );
  }

  private probeFailed(err: unknown, call: string): void {
    const now = this.deps.clock.now();
    const message = err instanceof Error ? err.message : `server "${this.current.name}" ${call} failed: ${String(err)}`;
    const before = this.health.state;
    const health = this.health.probeFailed(now, call, message);
    this.patch({ health, lastError: message });
    if (health.state !== before) this.deps.log.verbose(`server "${this.current.name}": ${message}`);
  }

  private patch(patch: Partial<ServerView>): void {
    if (this.disposed) return;
    const current = this.current as unknown as Record<string, unknown>;
    if (Object.entries(patch).every(([k, v]) => current[k] === v)) return;
    this.current = { ...this.current, ...patch };
    this.onChangeEmitter.fire(this.current);
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.onChangeEmitter.dispose();
    this.onFrameEmitter.dispose();
    this.onInFlightEmitter.dispose();
  }
}
