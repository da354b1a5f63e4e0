import { randomUUID } from 'node:crypto';
import type { CommandName, ConsoleSettings, Result } from '../../shared/api';
import type { FleetSnapshot, HostEvent } from '../../shared/fleet';
import type { CallContext, CommandHandlers } from './api/command-router';
import { createCommandRouter } from './api/command-router';
import type { BackoffOptions } from './comfy/backoff';
import { ComfyClient } from './comfy/comfy-client';
import type { Clock, Random } from './core/clock';
import { systemClock, systemRandom } from './core/clock';
import { DeltaBatcher } from './core/delta-batcher';
import { EngineError } from './core/engine-error';
import type { BalancerStrategy } from './dispatch/balancer';
import type { DispatchOptions } from './dispatch/dispatch-options';
import type { LockOptions } from './locks/session-locks';
import { TaskService } from './dispatch/task-service';
import type { TrackerOptions } from './dispatch/task-tracker';
import { OutputStore } from './outputs/output-store';
import type { Store } from './store/store';
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

/** The task ledger and where task outputs are kept (T6). */
export interface LedgerSetup {
  store: Store;
  /** Folder of the outputs, e.g. `<data folder>/outputs`. */
  outputsDir: string;
  balancer?: BalancerStrategy;
  dispatch?: Partial<DispatchOptions>;
  tracker?: Partial<TrackerOptions>;
  locks?: Partial<LockOptions>;
}

export interface EngineOptions {
  /** Added at start unless a server with the same URL is already saved. */
  servers?: ServerInput[];
  /**
   * The task ledger: servers are saved in it too. Without one the engine only watches the
   * fleet (servers kept in memory) and refuses task commands.
   */
  ledger?: LedgerSetup;
  /** Where servers are saved when there is no ledger; in memory by default. */
  registry?: ServerRegistry;
  clock?: Clock;
  random?: Random;
  /** The console's clientId on every server; a fresh one per engine by default. */
  clientId?: string;
  newId?: () => string;
  /** prompt_ids of submissions (T4); random UUIDs by default. */
  newPromptId?: () => string;
  /** How long deltas are coalesced before a batch goes out (default 50 ms). */
  deltaIntervalMs?: number;
  probe?: Partial<ProbeTiming>;
  health?: Partial<HealthPolicy>;
  backoff?: Partial<BackoffOptions>;
  /** Where log lines go (default stdout). */
  log?: (line: string) => void;
  /** Log every socket and probe event, not only changes and the fleet summary. */
  verbose?: boolean;
  /** M3: how this host starts its demo fleet; without it `demo.start` answers `unavailable`. */
  demo?: DemoLauncher;
}

/** Given by a host that can run simulated servers; the engine stays free of the simulator. */
export interface DemoLauncher {
  readonly running: boolean;
  /** Starts the simulated servers, adds them to this engine and starts a trickle of tasks. */
  start(engine: Engine): Promise<{ servers: string[] }>;
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
  private readonly fleet: FleetMonitor<ComfyClient>;
  private readonly batcher: DeltaBatcher;
  private readonly onEventEmitter = new Emitter<HostEvent>();
  /** Delta batches for every subscriber; a subscriber asks for a snapshot first. */
  readonly onEvent = this.onEventEmitter.event;
  private readonly router: ReturnType<typeof createCommandRouter>;
  private readonly clock: Clock;
  /** Null when the engine runs without a ledger. */
  readonly tasks: TaskService | null;
  private readonly demo: DemoLauncher | undefined;

  constructor(options: EngineOptions = {}) {
    const clock = (this.clock = options.clock ?? systemClock);
    this.demo = options.demo;
    let counter = 0;
    this.log = createLogger(options.log ?? ((line) => console.log(line)), options.verbose, clock);
    this.clientId = options.clientId ?? `comfyfleet-${randomUUID()}`;
    this.batcher = this.disposables.add(new DeltaBatcher(clock, options.deltaIntervalMs));
    this.fleet = this.disposables.add(
      new FleetMonitor<ComfyClient>({
        clock,
        random: options.random ?? systemRandom,
        clientId: this.clientId,
        newId: options.newId ?? (() => `srv-${randomUUID().slice(0, 8)}-${++counter}`),
        registry: options.ledger?.store ?? options.registry ?? new InMemoryServerRegistry(),
        createClient: (config) => new ComfyClient({ server: config.name, baseUrl: config.url }),
        probe: options.probe,
        health: options.health,
        backoff: options.backoff,
        log: this.log,
      }),
    );
    const ledger = options.ledger;
    this.tasks = ledger
      ? this.disposables.add(
          new TaskService({
            store: ledger.store,
            fleet: this.fleet,
            outputs: new OutputStore(ledger.outputsDir),
            clock,
            random: options.random ?? systemRandom,
            newPromptId: options.newPromptId ?? (() => randomUUID()),
            clientId: this.clientId,
            log: this.log,
            balancer: ledger.balancer,
            dispatch: ledger.dispatch,
            tracker: ledger.tracker,
            locks: ledger.locks,
          }),
        )
      : null;
    this.disposables.add(this.onEventEmitter);
    this.disposables.add(this.fleet.onDelta((d) => this.batcher.push(d)));
    if (this.tasks) this.disposables.add(this.tasks.onDelta((d) => this.batcher.push(d)));
    this.disposables.add(this.log.onLine((line) => this.batcher.push({ type: 'log.line', line })));
    this.disposables.add(this.batcher.onBatch((batch) => this.onEventEmitter.fire({ type: 'deltas', batch })));
    this.router = createCommandRouter(
      {
        'fleet.snapshot': () => this.snapshot(),
        'servers.add': async (args, ctx) => this.audited(ctx, 'server.add', await this.fleet.add(args), args),
        'servers.update': async ({ id, ...patch }, ctx) => this.audited(ctx, 'server.update', await this.fleet.update(id, patch), patch),
        'servers.remove': async ({ id }, ctx) => {
          const name = this.fleet.get(id)?.name;
          return this.audited(ctx, 'server.remove', await this.fleet.remove(id), {}, name);
        },
        'servers.series': ({ id, window }) => this.fleet.series(id, window),
        'log.setVerbose': ({ verbose }) => {
          this.log.setVerbose(verbose);
          this.log.info(`verbose log ${verbose ? 'on' : 'off'}`);
          return { verbose };
        },
        'log.tail': ({ limit }) => ({ lines: this.log.tail(limit), verbose: this.log.isVerbose }),
        'settings.get': () => this.settings(),
        'demo.start': async (_args, ctx) => {
          const demo = this.demo;
          if (!demo) throw new EngineError('unavailable', 'this console cannot start the demo fleet; start it with --demo, or add servers by URL');
          if (demo.running) throw new EngineError('conflict', 'the demo fleet is already running');
          const started = await demo.start(this);
          await this.tasks?.store.appendAudit({ actor: ctx.actor, action: 'demo.start', target: 'demo', details: started });
          return started;
        },
        'settings.set': async (patch, ctx) => {
          await this.requireTasks().commands.applySettings(patch);
          await this.tasks?.store.appendAudit({ actor: ctx.actor, action: 'settings.update', target: 'settings', details: patch });
          return this.settings();
        },
        ...this.taskCommands(),
      },
      (err) => this.log.info(`engine bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    const { fleet, tasks } = this;
    this.ready = (async () => {
      await fleet.load(options.servers ?? []);
      await tasks?.start();
    })().catch((err: unknown) => {
      this.log.info(`could not start the engine: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    });
    // A host that never awaits `ready` must not crash the process with an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  snapshot(): FleetSnapshot {
    return {
      seq: this.batcher.seq,
      at: this.clock.now(),
      servers: this.fleet.list(),
      locks: this.tasks?.locks.list() ?? [],
      counts: this.tasks?.snapshotCounts ?? null,
    };
  }

  private async settings(): Promise<ConsoleSettings> {
    const { queueIntervalMs, statsIntervalMs, timeoutMs } = this.fleet.probe;
    return {
      database: this.tasks ? { backend: this.tasks.store.backend, label: this.tasks.store.label } : null,
      retentionDays: this.tasks ? await this.tasks.store.getRetentionDays() : null,
      dispatch: this.tasks?.limits.current ?? { maxQueued: 0, submitsPerSecond: 0, submitBurst: 0 },
      probe: { queueIntervalMs, statsIntervalMs, timeoutMs },
      verbose: this.log.isVerbose,
      clientId: this.clientId,
      demo: !this.demo ? 'unavailable' : this.demo.running ? 'running' : 'available',
    };
  }

  /** Operator changes to the fleet go to the audit log with the ledger's other operator actions. */
  private async audited<T extends { id: string; name?: string }>(ctx: CallContext, action: string, result: T, details: object, name = result.name): Promise<T> {
    await this.tasks?.store.appendAudit({ actor: ctx.actor, action, target: result.id, details });
    this.operatorLine(ctx, action, `server "${name ?? result.id}" (${result.id})`, details);
    return result;
  }

  /** One engine log line per operator action, with who did it and to what (the audit log has the same, in the ledger). */
  private operatorLine(ctx: CallContext, action: string, target: string, details: object = {}): void {
    const extra = Object.entries(details)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', ');
    this.log.info(`operator "${ctx.actor}": ${action} ${target}${extra ? ` (${extra})` : ''}`);
  }

  private requireTasks(): TaskService {
    if (!this.tasks) throw new EngineError('store_unavailable', 'this console runs without a task ledger; start it with a data folder (--data DIR) or a database URL');
    return this.tasks;
  }

  /** The task, lock, audit and policy commands; each goes to the ledger's service. */
  private taskCommands(): Pick<CommandHandlers, Extract<CommandName, `tasks.${string}` | `locks.${string}` | `audit.${string}` | `types.${string}`>> {
    const t = () => this.requireTasks().commands;
    const store = () => this.requireTasks().store;
    return {
      'tasks.submit': (args, ctx) => t().submit(args, ctx.actor),
      'tasks.get': ({ id }) => t().get(id),
      'tasks.list': (query) => t().list(query),
      'tasks.counts': (filter) => store().countByStatus(filter),
      'tasks.workflow': async ({ id }) => {
        const workflow = await store().getWorkflow(id);
        if (!workflow) throw new EngineError('not_found', `task ${id} does not exist (it may have been purged by retention)`);
        return workflow;
      },
      'tasks.cancel': async ({ id, reason }, ctx) => {
        const r = await t().cancel(id, reason, ctx.actor);
        this.operatorLine(ctx, 'task.cancel', `task ${id}`, { reason, state: r.state });
        return r;
      },
      'tasks.rerun': async (args, ctx) => {
        const r = await t().rerun(args, ctx.actor);
        this.operatorLine(ctx, 'task.rerun', `task ${args.id}`, { reason: args.reason, force: args.force, outcome: r.outcome, task: r.task.id });
        return r;
      },
      'tasks.output': ({ id, index, thumbnail }) => t().output(id, index, thumbnail === true),
      'locks.list': () => store().listLocks(),
      'locks.unlock': async ({ sessionId, reason, unfinished }, ctx) => {
        const r = await t().unlock(sessionId, reason, unfinished, ctx.actor);
        const outcomes = r.tasks.reduce<Record<string, number>>((n, x) => ({ ...n, [x.outcome]: (n[x.outcome] ?? 0) + 1 }), {});
        this.operatorLine(ctx, 'lock.force-unlock', `session ${sessionId} on server "${this.fleet.get(r.lock.serverId)?.name ?? r.lock.serverId}"`, { reason, unfinished, tasks: outcomes });
        return r;
      },
      'audit.list': (args) => store().listAudit(args),
      'types.list': () => store().listTaskTypes(),
      'types.set': (policy) => t().setPolicy(policy),
    };
  }

  /** Adds servers as `--servers` does at start: a known URL is kept, a known name moves to the new URL. */
  placeServers(inputs: ServerInput[]): Promise<void> {
    return this.fleet.place(inputs);
  }

  /** The fleet in one line: `3/4 healthy, best gpu-2 (q=0)`. */
  summary(): string {
    return this.fleet.summary();
  }

  /** Runs a command from an untrusted caller; never throws. `ctx.actor` goes to the audit log. */
  call(name: CommandName | string, args: unknown, ctx?: CallContext): Promise<Result<unknown>> {
    return this.router(name, args, ctx);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
