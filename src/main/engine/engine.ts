import { randomUUID } from 'node:crypto';
import type { CommandName, Result } from '../../shared/api';
import type { FleetSnapshot, HostEvent } from '../../shared/fleet';
import { createCommandRouter } from './api/command-router';
import type { BackoffOptions } from './comfy/backoff';
import type { Clock, Random } from './core/clock';
import { systemClock, systemRandom } from './core/clock';
import { DeltaBatcher } from './core/delta-batcher';
import type { Disposable } from './core/disposable';
import { DisposableStore } from './core/disposable';
import { Emitter } from './core/emitter';
import type { ServerInput } from './fleet/fleet-monitor';
import { FleetMonitor } from './fleet/fleet-monitor';

export interface EngineOptions {
  servers?: ServerInput[];
  clock?: Clock;
  random?: Random;
  /** The console's clientId on every server; a fresh one per engine by default. */
  clientId?: string;
  newId?: () => string;
  /** How long deltas are coalesced before a batch goes out (default 50 ms). */
  deltaIntervalMs?: number;
  probeTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  log?: (line: string) => void;
}

/**
 * The engine, free of Electron: both hosts (Electron main, headless Node) create one and wire
 * {@link Engine.call} and {@link Engine.onEvent} to their transport.
 */
export class Engine implements Disposable {
  readonly clientId: string;
  private readonly disposables = new DisposableStore();
  private readonly fleet: FleetMonitor;
  private readonly batcher: DeltaBatcher;
  private readonly onEventEmitter = new Emitter<HostEvent>();
  /** Delta batches for every subscriber; a subscriber asks for a snapshot first. */
  readonly onEvent = this.onEventEmitter.event;
  private readonly router: ReturnType<typeof createCommandRouter>;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;

  constructor(options: EngineOptions = {}) {
    const clock = (this.clock = options.clock ?? systemClock);
    let counter = 0;
    this.log = options.log ?? ((line) => console.log(line));
    this.clientId = options.clientId ?? `comfyfleet-${randomUUID()}`;
    this.batcher = this.disposables.add(new DeltaBatcher(clock, options.deltaIntervalMs));
    this.fleet = this.disposables.add(
      new FleetMonitor({
        clock,
        random: options.random ?? systemRandom,
        clientId: this.clientId,
        newId: options.newId ?? (() => `srv-${++counter}`),
        probeTimeoutMs: options.probeTimeoutMs,
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
        'servers.remove': ({ id }) => {
          this.fleet.remove(id);
          return { id };
        },
      },
      (err) => this.log(`engine bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    for (const server of options.servers ?? []) this.fleet.add(server);
  }

  snapshot(): FleetSnapshot {
    return { seq: this.batcher.seq, at: this.clock.now(), servers: this.fleet.list() };
  }

  /** Runs a command from an untrusted caller; never throws. */
  call(name: CommandName | string, args: unknown): Promise<Result<unknown>> {
    return this.router(name, args);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
