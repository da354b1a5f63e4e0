import type { FleetDelta, QueueDepth, ServerId, ServerView } from '../../../shared/fleet';
import type { BackoffOptions } from '../comfy/backoff';
import { ComfyHttpError } from '../comfy/errors';
import { getQueueCounts } from '../comfy/queue-endpoint';
import { ServerSession } from '../comfy/server-session';
import type { Clock, Random } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { DisposableStore } from '../core/disposable';
import { Emitter } from '../core/emitter';
import { EngineError } from '../core/engine-error';
import { defaultServerName, normaliseServerUrl } from './server-url';

export interface FleetMonitorDeps {
  clock: Clock;
  random: Random;
  /** The console's clientId on every server. */
  clientId: string;
  newId: () => string;
  probeTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  log?: (line: string) => void;
}

export interface ServerInput {
  url: string;
  name?: string;
}

interface Entry {
  view: ServerView;
  session: ServerSession;
  disposables: DisposableStore;
  probe: { inFlight: boolean; again: boolean };
  /** When the latest `status` frame arrived; a probe that started earlier must not override its total. */
  lastStatusAt: number;
}

/**
 * The servers of the fleet and what is known about each: one {@link ServerSession} per server,
 * queue depth live from `status` frames, and a `GET /queue` after each change to split the
 * total into running and pending (a `status` frame only carries `queue_remaining`).
 */
export class FleetMonitor implements Disposable {
  private readonly entries = new Map<ServerId, Entry>();
  private readonly onDeltaEmitter = new Emitter<FleetDelta>();
  readonly onDelta = this.onDeltaEmitter.event;
  private disposed = false;

  constructor(private readonly deps: FleetMonitorDeps) {}

  list(): ServerView[] {
    return [...this.entries.values()].map((e) => e.view);
  }

  add(input: ServerInput): ServerView {
    const url = normaliseServerUrl(input.url);
    const name = input.name?.trim() || defaultServerName(url);
    for (const e of this.entries.values()) {
      if (e.view.url === url) throw new EngineError('conflict', `server ${url} is already in the fleet as "${e.view.name}"`);
      if (e.view.name === name) throw new EngineError('conflict', `a server named "${name}" already exists (${e.view.url}); choose another name`);
    }
    const id = this.deps.newId();
    const session = new ServerSession({
      serverName: name,
      baseUrl: url,
      clientId: this.deps.clientId,
      clock: this.deps.clock,
      random: this.deps.random,
      backoff: this.deps.backoff,
    });
    const entry: Entry = {
      view: { id, name, url, enabled: true, socket: session.state, queue: null, lastError: null },
      session,
      disposables: new DisposableStore(),
      probe: { inFlight: false, again: false },
      lastStatusAt: 0,
    };
    this.entries.set(id, entry);
    entry.disposables.add(session);
    entry.disposables.add(
      session.onState((socket) => {
        this.patch(entry, { socket });
        if (socket.state === 'open') this.requestProbe(entry);
      }),
    );
    entry.disposables.add(
      session.onFrame((frame) => {
        if (frame.type === 'status') this.onStatus(entry, frame.data.status.exec_info.queue_remaining);
      }),
    );
    entry.disposables.add(session.onInvalidFrame((msg) => this.deps.log?.(msg)));
    this.onDeltaEmitter.fire({ type: 'server.upsert', server: entry.view });
    session.start();
    return entry.view;
  }

  remove(id: ServerId): void {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('not_found', `no server with id "${id}"; it may have been removed already`);
    this.entries.delete(id);
    entry.disposables.dispose();
    this.onDeltaEmitter.fire({ type: 'server.removed', id });
  }

  private onStatus(entry: Entry, total: number): void {
    const now = this.deps.clock.now();
    entry.lastStatusAt = now;
    // Until the probe answers, assume ComfyUI's single worker runs one job whenever any is queued.
    const prev = entry.view.queue;
    const running = Math.min(total, prev && prev.total === total ? prev.running : total > 0 ? 1 : 0);
    this.patch(entry, { queue: { total, running, pending: total - running, at: now, source: 'ws' } });
    this.requestProbe(entry);
  }

  /** At most one probe in flight per server; changes during it cause exactly one more. */
  private requestProbe(entry: Entry): void {
    if (entry.probe.inFlight) {
      entry.probe.again = true;
      return;
    }
    entry.probe.inFlight = true;
    entry.probe.again = false;
    const startedAt = this.deps.clock.now();
    getQueueCounts(entry.view.url, { server: entry.view.name, timeoutMs: this.deps.probeTimeoutMs })
      .then(
        (counts) => {
          if (!this.isLive(entry)) return;
          const wsNewer = entry.lastStatusAt > startedAt && entry.view.socket.state === 'open';
          const total = wsNewer && entry.view.queue ? entry.view.queue.total : counts.running + counts.pending;
          const running = Math.min(counts.running, total);
          const queue: QueueDepth = { total, running, pending: total - running, at: this.deps.clock.now(), source: 'probe' };
          this.patch(entry, { queue, lastError: null });
        },
        (err: unknown) => {
          if (!this.isLive(entry)) return;
          const message = err instanceof ComfyHttpError ? err.message : `server "${entry.view.name}" GET /queue failed: ${String(err)}`;
          this.patch(entry, { lastError: message });
        },
      )
      .finally(() => {
        entry.probe.inFlight = false;
        if (entry.probe.again && this.isLive(entry)) this.requestProbe(entry);
      });
  }

  private isLive(entry: Entry): boolean {
    return !this.disposed && this.entries.get(entry.view.id) === entry;
  }

  private patch(entry: Entry, patch: Partial<ServerView>): void {
    if (!this.isLive(entry)) return;
    entry.view = { ...entry.view, ...patch };
    this.onDeltaEmitter.fire({ type: 'server.upsert', server: entry.view });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const entry of this.entries.values()) entry.disposables.dispose();
    this.entries.clear();
    this.onDeltaEmitter.dispose();
  }
}
