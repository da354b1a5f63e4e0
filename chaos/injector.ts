/**
 * Plays the planned faults at their times: server faults on the simulators (lifted after their
 * duration), engine SIGKILLs followed by a restart on the same data folder. It also times how
 * long the engine takes to call a crashed server unhealthy (F6, P7), from the injection to the
 * health event's arrival, both on the driver's clock.
 */
import type { HealthEvent } from '../harness/engine-child';
import type { EngineLives } from './engine-life';
import type { ChaosFleet } from './fleet';
import { sleep } from './order-service';
import type { FaultAction, FaultKind } from './plan';

/** One crash and how the engine saw it. */
export interface CrashRecord {
  server: string;
  injectedAt: number;
  durationMs: number;
  /** ms until the engine reported the server unhealthy; null when not measured or never seen. */
  detectMs: number | null;
  /** Why there is no measure: the engine restarted meanwhile, the server was unhealthy already. */
  unmeasured: string | null;
  /** The server came back (after 2 s or more) and the engine never called it unhealthy. */
  undetected: boolean;
}

/** How long a kill or a crash waits for work to hit before it lands anyway. */
const LAND_WITHIN_MS = 3_000;

/** Polls `cond` every 10 ms for at most `ms`; never throws. */
async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
}

export class Injector {
  readonly applied: Record<FaultKind, number> = { crash: 0, drop: 0, stall: 0, slowBody: 0, http500: 0, nonJson: 0, oversizedBody: 0, engineKill: 0, burst: 0 };
  readonly crashes: CrashRecord[] = [];
  /** Health of each server by name, as the current engine life last reported it. */
  private readonly health = new Map<string, HealthEvent['health']['state']>();
  private readonly watching = new Map<string, { rec: CrashRecord; generation: number }>();
  private readonly lifts = new Set<Promise<void>>();
  private stopped = false;
  /** The start of the fault phase (set by `run`); the plan's offsets count from it. */
  private startedAt = Date.now();
  private restartError: Error | null = null;

  constructor(
    private readonly fleet: ChaosFleet,
    private readonly engine: EngineLives,
    private readonly log: (line: string) => void,
    /** Submissions on the wire now: a kill waits (briefly) for one, so some answers die with it. */
    private readonly submissionsInFlight: () => number,
    /** A crash at least this long that the engine never called unhealthy breaks F6. */
    private readonly detectBoundMs: number,
  ) {}

  /** Feed of the engine's health events (see `EngineLives`' options). */
  onHealth(e: HealthEvent['health'], receivedAt: number): void {
    this.health.set(e.name, e.state);
    const w = this.watching.get(e.name);
    if (w && e.state === 'unhealthy' && w.generation === this.engine.generation) {
      w.rec.detectMs = receivedAt - w.rec.injectedAt;
      this.watching.delete(e.name);
    }
  }

  /** A new engine life knows nothing yet: health starts over, crash timings under way are void. */
  onRestart(): void {
    this.health.clear();
    for (const [name, w] of this.watching) {
      w.rec.unmeasured = 'the engine restarted before it saw the crash';
      this.watching.delete(name);
    }
  }

  get error(): Error | null {
    return this.restartError;
  }

  /** Plays the faults in order; one that waited (a restart, a kill or crash waiting for work) delays the next. */
  async run(faults: readonly FaultAction[], startedAt: number): Promise<void> {
    this.startedAt = startedAt;
    for (const f of faults) {
      if (this.stopped) break;
      const wait = this.startedAt + f.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) break;
      await this.play(f);
    }
  }

  /** No new faults; the ones in place are lifted by their timers or by `liftAll` of the fleet. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for the lifts under way (each bounded by its fault's duration). */
  async settle(): Promise<void> {
    await Promise.all([...this.lifts]);
  }

  private async play(f: FaultAction): Promise<void> {
    const now = () => `${((Date.now() - this.startedAt) / 1000).toFixed(1)}s`;
    if (f.kind === 'burst') {
      this.applied.burst++;
      this.log(`${now()} burst of ${f.count} orders (queue limit)`);
      return;
    }
    if (f.kind === 'engineKill') {
      if (!this.engine.alive) return;
      await until(() => this.submissionsInFlight() > 0, LAND_WITHIN_MS);
      this.applied.engineKill++;
      this.log(`${now()} engine SIGKILL (down ${f.downMs} ms)`);
      await this.engine.kill();
      this.onRestart();
      await sleep(f.downMs);
      try {
        await this.engine.start();
      } catch (err) {
        // Without an engine the run cannot go on: say so, the run fails.
        this.restartError = err instanceof Error ? err : new Error(String(err));
        this.log(`${now()} engine restart FAILED: ${this.restartError.message}`);
        this.stopped = true;
      }
      return;
    }
    const sim = this.fleet.sims[f.server];
    if (!sim) return;
    // A crash of an idle server tests little: let it land (briefly waited for) on a running job.
    if (f.kind === 'crash') await until(() => sim.queueDepth().running > 0, LAND_WITHIN_MS);
    this.applied[f.kind]++;
    const what = 'paths' in f && f.paths ? ` ${f.paths.join(',')}` : '';
    this.log(`${now()} ${f.kind}${what} on ${sim.name}${'durationMs' in f ? ` for ${f.durationMs} ms` : ''}`);
    let rec: CrashRecord | null = null;
    if (f.kind === 'crash') {
      rec = { server: sim.name, injectedAt: Date.now(), durationMs: f.durationMs, detectMs: null, unmeasured: null, undetected: false };
      this.crashes.push(rec);
      const before = this.health.get(sim.name);
      if (!this.engine.alive) rec.unmeasured = 'the engine was down';
      else if (before !== 'healthy' && before !== 'degraded') rec.unmeasured = `the engine saw it ${before ?? 'unknown'} already`;
      else this.watching.set(sim.name, { rec, generation: this.engine.generation });
    }
    this.fleet.apply(f);
    if (f.kind === 'drop') return;
    const lift = (async () => {
      await sleep(f.durationMs);
      if (rec && this.watching.get(sim.name)?.rec === rec) {
        // Back up before the engine noticed: for a crash as long as the detection bound that breaks F6.
        if (rec.durationMs >= this.detectBoundMs) rec.undetected = true;
        else rec.unmeasured = `restarted after ${rec.durationMs} ms, before the engine noticed`;
        this.watching.delete(sim.name);
      }
      await this.fleet.lift(f);
    })();
    this.lifts.add(lift);
    void lift.finally(() => this.lifts.delete(lift));
  }
}
