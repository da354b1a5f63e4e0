import type { DepthSeries, FleetDelta, HealthState, SeriesWindow, ServerConfig, ServerId, ServerView } from '../../../shared/fleet';
import type { BackoffOptions } from '../comfy/backoff';
import type { KnownFrame } from '../comfy/ws-frames';
import type { Clock, Random, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { DisposableStore } from '../core/disposable';
import { Emitter } from '../core/emitter';
import { EngineError } from '../core/engine-error';
import type { Logger } from '../core/logger';
import { fleetSummary } from './fleet-summary';
import type { HealthPolicy } from './health';
import { DEFAULT_HEALTH_POLICY } from './health';
import type { ServerRegistry } from './server-registry';
import type { ProbeClient, ProbeTiming } from './server-monitor';
import { DEFAULT_PROBE_TIMING, ServerMonitor } from './server-monitor';
import { defaultServerName, normaliseServerUrl } from './server-url';

export interface FleetMonitorDeps<C extends ProbeClient = ProbeClient> {
  clock: Clock;
  random: Random;
  /** The console's clientId on every server. */
  clientId: string;
  newId: () => string;
  registry: ServerRegistry;
  /** A server's one ComfyUI client, used by its probes and by the tasks on it. */
  createClient: (config: ServerConfig) => C;
  probe?: Partial<ProbeTiming>;
  health?: Partial<HealthPolicy>;
  backoff?: Partial<BackoffOptions>;
  log: Logger;
}

export interface ServerInput {
  url: string;
  name?: string;
  maxInFlight?: number;
  tags?: string[];
  enabled?: boolean;
  drained?: boolean;
}

/** What an operator may change about a server (F1). */
export interface ServerPatch {
  name?: string;
  url?: string;
  maxInFlight?: number;
  tags?: string[];
  enabled?: boolean;
  drained?: boolean;
}

export const DEFAULT_MAX_IN_FLIGHT = 2;

export interface ServerFrame {
  server: ServerView;
  frame: KnownFrame;
}

export interface HealthChange {
  server: ServerView;
  from: HealthState;
}

/** A server as placement sees it changed: added, or another configuration or health state. */
export interface ServerChange {
  server: ServerView;
  /** False when the server was just added or loaded: there is no earlier state to compare with. */
  known: boolean;
}

/**
 * The fleet: the server registry (persisted), one {@link ServerMonitor} per server, the
 * operator's changes to it (F1), and a one-line summary in the log whenever health changes.
 * Changes are applied one at a time, so two concurrent adds of one URL cannot both pass the
 * uniqueness check while the first is being saved.
 */
export class FleetMonitor<C extends ProbeClient = ProbeClient> implements Disposable {
  private readonly monitors = new Map<ServerId, ServerMonitor<C>>();
  private readonly perServer = new Map<ServerId, DisposableStore>();
  private readonly onDeltaEmitter = new Emitter<FleetDelta>();
  private readonly onFrameEmitter = new Emitter<ServerFrame>();
  private readonly onHealthEmitter = new Emitter<HealthChange>();
  private readonly onServerChangeEmitter = new Emitter<ServerChange>();
  private readonly onServerRemovedEmitter = new Emitter<ServerId>();
  readonly onDelta = this.onDeltaEmitter.event;
  /** Frames of every server's socket, with the server they came from. */
  readonly onServerFrame = this.onFrameEmitter.event;
  /** Fires when a server's health state changes. */
  readonly onHealthChange = this.onHealthEmitter.event;
  /**
   * Fires when a server is added or changes what placement reads (enabled, drained, max
   * in-flight, health state, URL, name); never for queue depth, probes or our in-flight count.
   */
  readonly onServerChange = this.onServerChangeEmitter.event;
  readonly onServerRemoved = this.onServerRemovedEmitter.event;
  readonly probe: ProbeTiming;
  private readonly healthPolicy: HealthPolicy;
  private mutations: Promise<unknown> = Promise.resolve();
  private tickTimer: TimerHandle | null = null;
  private summaryDue = false;
  private lastSummary = '';
  private disposed = false;

  constructor(private readonly deps: FleetMonitorDeps<C>) {
    this.probe = { ...DEFAULT_PROBE_TIMING, ...deps.probe };
    this.healthPolicy = { ...DEFAULT_HEALTH_POLICY, ...deps.health };
    this.scheduleTick();
  }

  /**
   * Starts every saved server, then applies `initial` (the host's `--servers`): a URL already
   * saved is left as it is; a saved name given with a new URL moves to it (the server was
   * re-addressed); anything else is added.
   */
  load(initial: ServerInput[] = []): Promise<void> {
    return this.serially(async () => {
      for (const config of await this.deps.registry.listServers()) this.startMonitor(config);
      await this.placeNow(initial);
    });
  }

  /** Adds servers the way `load` applies `--servers` (e.g. the demo fleet started later). */
  place(inputs: ServerInput[]): Promise<void> {
    return this.serially(() => this.placeNow(inputs));
  }

  private async placeNow(inputs: ServerInput[]): Promise<void> {
    for (const input of inputs) {
      const url = normaliseServerUrl(input.url);
      const monitors = [...this.monitors.values()];
      if (monitors.some((m) => m.view.url === url)) continue;
      const named = input.name ? monitors.find((m) => m.view.name === input.name?.trim()) : undefined;
      if (named) {
        const next = { ...named.config, url };
        await this.deps.registry.saveServer(next);
        named.reconfigure(next);
        this.deps.log.info(`server "${next.name}" moved to ${url}`);
      } else {
        await this.addNow(input);
      }
    }
  }

  list(): ServerView[] {
    return [...this.monitors.values()].map((m) => m.view);
  }

  get(id: ServerId): ServerView | undefined {
    return this.monitors.get(id)?.view;
  }

  /** The one ComfyUI client of a server in the fleet, for its probes and its tasks alike. */
  clientFor(id: ServerId): C {
    return this.requireMonitor(id).client;
  }

  add(input: ServerInput): Promise<ServerView> {
    return this.serially(() => this.addNow(input));
  }

  update(id: ServerId, patch: ServerPatch): Promise<ServerView> {
    return this.serially(async () => {
      const monitor = this.requireMonitor(id);
      const prev = monitor.config;
      const next: ServerConfig = { ...prev };
      if (patch.url !== undefined) next.url = normaliseServerUrl(patch.url);
      if (patch.name !== undefined) next.name = patch.name.trim() || defaultServerName(next.url);
      if (patch.maxInFlight !== undefined) next.maxInFlight = checkMaxInFlight(patch.maxInFlight);
      if (patch.tags !== undefined) next.tags = normaliseTags(patch.tags);
      if (patch.enabled !== undefined) next.enabled = patch.enabled;
      if (patch.drained !== undefined) next.drained = patch.drained;
      this.assertUnique(next, id);
      await this.deps.registry.saveServer(next);
      monitor.reconfigure(next);
      this.deps.log.info(`server "${next.name}": ${describeChange(prev, next) || 'saved unchanged'}`);
      return monitor.view;
    });
  }

  remove(id: ServerId): Promise<{ id: ServerId }> {
    return this.serially(async () => {
      const monitor = this.requireMonitor(id);
      await this.deps.registry.deleteServer(id);
      this.monitors.delete(id);
      this.perServer.get(id)?.dispose();
      this.perServer.delete(id);
      this.deps.log.info(`server "${monitor.view.name}" removed from the fleet`);
      this.onDeltaEmitter.fire({ type: 'server.removed', id });
      this.onServerRemovedEmitter.fire(id);
      this.summaryDue = true;
      return { id };
    });
  }

  series(id: ServerId, window: SeriesWindow): DepthSeries {
    return this.requireMonitor(id).series(window);
  }

  /** The dispatcher reports how many of our tasks each server holds (shown on its card). */
  setInFlight(id: ServerId, n: number): void {
    this.monitors.get(id)?.setInFlight(n);
  }

  /** `3/4 healthy, best gpu-2 (q=0)`: the line the log prints when health changes. */
  summary(): string {
    return fleetSummary(this.list());
  }

  private async addNow(input: ServerInput): Promise<ServerView> {
    const url = normaliseServerUrl(input.url);
    const config: ServerConfig = {
      id: this.deps.newId(),
      name: input.name?.trim() || defaultServerName(url),
      url,
      enabled: input.enabled ?? true,
      drained: input.drained ?? false,
      maxInFlight: checkMaxInFlight(input.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
      tags: normaliseTags(input.tags ?? []),
      addedAt: this.deps.clock.now(),
    };
    this.assertUnique(config, null);
    await this.deps.registry.saveServer(config);
    this.deps.log.info(`server "${config.name}" added at ${config.url}`);
    return this.startMonitor(config).view;
  }

  private startMonitor(config: ServerConfig): ServerMonitor<C> {
    const monitor = new ServerMonitor<C>(config, {
      clock: this.deps.clock,
      random: this.deps.random,
      clientId: this.deps.clientId,
      backoff: this.deps.backoff,
      health: this.healthPolicy,
      probe: this.probe,
      createClient: this.deps.createClient,
      log: this.deps.log,
    });
    const d = new DisposableStore();
    d.add(monitor);
    let health = monitor.view.health.state;
    let placement = placementKey(monitor.view);
    d.add(
      monitor.onChange((view) => {
        this.onDeltaEmitter.fire({ type: 'server.upsert', server: view });
        const key = placementKey(view);
        if (key !== placement) {
          placement = key;
          this.onServerChangeEmitter.fire({ server: view, known: true });
        }
        if (view.health.state !== health) {
          const from = health;
          health = view.health.state;
          this.deps.log.info(`server "${view.name}" is ${health}: ${view.health.reason}`);
          this.summaryDue = true;
          this.onHealthEmitter.fire({ server: view, from });
        }
      }),
    );
    d.add(monitor.onInFlight((view) => this.onDeltaEmitter.fire({ type: 'server.upsert', server: view })));
    d.add(monitor.onFrame((frame) => this.onFrameEmitter.fire({ server: monitor.view, frame })));
    this.monitors.set(config.id, monitor);
    this.perServer.set(config.id, d);
    this.onDeltaEmitter.fire({ type: 'server.upsert', server: monitor.view });
    this.onServerChangeEmitter.fire({ server: monitor.view, known: false });
    this.summaryDue = true;
    return monitor;
  }

  private assertUnique(config: ServerConfig, self: ServerId | null): void {
    for (const m of this.monitors.values()) {
      if (m.view.id === self) continue;
      if (m.view.url === config.url) throw new EngineError('conflict', `server ${config.url} is already in the fleet as "${m.view.name}"`);
      if (m.view.name === config.name) throw new EngineError('conflict', `a server named "${config.name}" already exists (${m.view.url}); choose another name`);
    }
  }

  private requireMonitor(id: ServerId): ServerMonitor<C> {
    const monitor = this.monitors.get(id);
    if (!monitor) throw new EngineError('not_found', `no server with id "${id}"; it may have been removed already`);
    return monitor;
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutations.then(() => {
      if (this.disposed) throw new EngineError('disconnected', 'the engine is shutting down; try again after it restarts');
      return fn();
    });
    this.mutations = run.catch(() => undefined);
    return run;
  }

  private scheduleTick(): void {
    this.tickTimer = this.deps.clock.setTimeout(() => {
      const now = this.deps.clock.now();
      for (const m of this.monitors.values()) m.tick(now);
      if (this.summaryDue) {
        this.summaryDue = false;
        const line = this.summary();
        if (line !== this.lastSummary) this.deps.log.info((this.lastSummary = line));
      }
      this.scheduleTick();
    }, 1_000);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deps.clock.clearTimeout(this.tickTimer);
    for (const d of this.perServer.values()) d.dispose();
    this.perServer.clear();
    this.monitors.clear();
    this.onDeltaEmitter.dispose();
    this.onFrameEmitter.dispose();
    this.onHealthEmitter.dispose();
    this.onServerChangeEmitter.dispose();
    this.onServerRemovedEmitter.dispose();
  }
}

/**
 * What decides whether a server may take a waiting task. Queue depth only reorders candidates
 * and changes many times a second, and the in-flight count is the dispatcher's own: neither is in.
 */
function placementKey(s: ServerView): string {
  return `${s.enabled}|${s.drained}|${s.maxInFlight}|${s.health.state}|${s.url}|${s.name}`;
}

function checkMaxInFlight(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new EngineError('bad_request', `max in-flight ${n} is not allowed; give a whole number from 1 to 64 (2 keeps one job running and one waiting)`);
  }
  return n;
}

function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort();
}

function describeChange(prev: ServerConfig, next: ServerConfig): string {
  const parts: string[] = [];
  if (prev.name !== next.name) parts.push(`renamed from "${prev.name}"`);
  if (prev.url !== next.url) parts.push(`URL ${prev.url} → ${next.url}`);
  if (prev.enabled !== next.enabled) parts.push(next.enabled ? 'enabled' : 'disabled');
  if (prev.drained !== next.drained) parts.push(next.drained ? 'draining: no new tasks, current ones finish' : 'no longer drained');
  if (prev.maxInFlight !== next.maxInFlight) parts.push(`max in-flight ${prev.maxInFlight} → ${next.maxInFlight}`);
  if (prev.tags.join() !== next.tags.join()) parts.push(`tags [${next.tags.join(', ')}]`);
  return parts.join(', ');
}
