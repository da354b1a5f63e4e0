import { randomUUID } from 'node:crypto';
import type { CommandName, Result } from '../../shared/api';
import type { FleetSnapshot, HostEvent } from '../../shared/fleet';
import { createCommandRouter } from './api/command-router';
import type { BackoffOptions } from './comfy/backoff';
import { ComfyClient } from './comfy/comfy-client';
import type { Clock, Random } from './core/clock';
import { systemClock, systemRandom } from './core/clock';
import { DeltaBatcher } from './core/delta-batcher';
import type { Disposable } from './core/disposable';
import { DisposableStore } from './core/disposable';
import { Emitter } from './core/emitter';
import type { Logger } from './core/logger';
import { createLogger } from './core/logger';
import type { ServerInput } from './fleet/fleet-monitor';
import { FleetMonitor } from './fleet/fleet-monitor';
import type { HealthPolicy } from './fleet/health';
import type { ServerRegistry } from './fleet/server-registry';
import { InMemoryServerRegistry } from './fleet/server-registry';
import type { ProbeTiming } from './fleet/server-monitor';

export interface EngineOptions {
  /** Added at start unless a server with the same URL is already saved. */
  servers?: ServerInput[];
  /** Where servers are saved; in memory (lost on exit) by default. */
  registry?: ServerRegistry;
  clock?: Clock;
  random?: Random;
  /** The console's clientId on every server; a fresh one per engine by default. */
  clientId?: string;
  newId?: () => string;
  /** How long deltas are coalesced before a batch goes out (default 50 ms). */
  deltaIntervalMs?: number;
  probe?: Partial<ProbeTiming>;
  health?: Partial<HealthPolicy>;
  backoff?: Partial<BackoffOptions>;
  /** Where log lines go (default stdout). */
  log?: (line: string) => void;
  /** Log every socket and probe event, not only changes and the fleet summary. */
  verbose?: boolean;
}

/**
 * The engine, free of Electron: both hosts (Electron main, headless Node) create one and wire
 * {@link Engine.call} and {@link Engine.onEvent} to their transport.
 */
export class Engine implements Disposable {
  readonly clientId: string;
  /** Settles once saved servers are loaded and the servers of the options added. */
  readonly ready: Promise<void>;
  readonly log: Logger;
  private readonly disposables = new DisposableStore();
  private readonly fleet: FleetMonitor;
  private readonly batcher: DeltaBatcher;
  private readonly onEventEmitter = new Emitter<HostEvent>();
  /** Delta batches for every subscriber; a subscriber asks for a snapshot first. */
  readonly onEvent = this.onEventEmitter.event;
  private readonly router: ReturnType<typeof createCommandRouter>;
  private readonly clock: Clock;

  constructor(options: EngineOptions = {}) {
    const clock = (this.clock = options.clock ?? systemClock);
    let counter = 0;
    this.log = createLogger(options.log ?? ((line) => console.log(line)), options.verbose);
    this.clientId = options.clientId ?? `comfyfleet-${randomUUID()}`;
    this.batcher = this.disposables.add(new DeltaBatcher(clock, options.deltaIntervalMs));
    this.fleet = this.disposables.add(
      new FleetMonitor({
        clock,
        random: options.random ?? systemRandom,
        clientId: this.clientId,
        newId: options.newId ?? (() => `srv-${randomUUID().slice(0, 8)}-${++counter}`),
        registry: options.registry ?? new InMemoryServerRegistry(),
        createClient: (config, timeoutMs) => new ComfyClient({ server: config.name, baseUrl: config.url, timeoutMs }),
        probe: options.probe,
        health: options.health,
        backoff: options.backoff,
        log: this.log,
      }),
    );
    this.disposables.add(this.onEventEmitter);
    this.disposables.add(this.fleet.onDelta((d) => this.batcher.push(d)));
    this.disposables.add(this.batcher.onBatch((batch) => this.onEventEmitter.fire({ type: 'deltas', batch })));
    this.router = createCommandRouter(
      {
        'fleet.snapshot': () => this.snapshot(),
        'servers.add': (args) => this.fleet.add(args),
        'servers.update': ({ id, ...patch }) => this.fleet.update(id, patch),
        'servers.remove': ({ id }) => this.fleet.remove(id),
        'servers.series': ({ id, window }) => this.fleet.series(id, window),
        'log.setVerbose': ({ verbose }) => {
          this.log.setVerbose(verbose);
          this.log.info(`verbose log ${verbose ? 'on' : 'off'}`);
          return { verbose };
        },
      },
      (err) => this.log.info(`engine bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    this.ready = this.fleet.load(options.servers ?? []).catch((err: unknown) => {
      this.log.info(`could not load the fleet: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    });
    // A host that never awaits `ready` must not crash the process with an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  snapshot(): FleetSnapshot {
    return { seq: this.batcher.seq, at: this.clock.now(), servers: this.fleet.list() };
  }

  /** The fleet in one line: `3/4 healthy, best gpu-2 (q=0)`. */
  summary(): string {
    return this.fleet.summary();
  }

  /** Runs a command from an untrusted caller; never throws. */
  call(name: CommandName | string, args: unknown): Promise<Result<unknown>> {
    return this.router(name, args);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
