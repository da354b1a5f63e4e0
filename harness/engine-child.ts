/**
 * An engine in a process of its own, so its driver can SIGKILL it (a power cut) and start it again
 * on the same data folder: a real Engine over the SQLite ledger of `<dir>` and the given servers.
 * Used by the crash-restart test (test timings) and the chaos run (the product's timings, health
 * events). It submits nothing itself; its commands are reachable over stdin/stdout, one JSON line
 * each way:
 *
 *   argv[2]  JSON {@link ChildArgs}
 *   stdout   {@link ChildReady} once the engine is ready, then {@link ChildReply} lines (one per
 *            request, in any order) and, when asked for, {@link HealthEvent} lines (a server's
 *            health changed, as the engine's own `server.upsert` deltas say)
 *   stdin    one {@link ChildRequest} per line; end of stdin stops the engine and the process
 *
 * Engine log lines are appended (synchronously, so a SIGKILL loses none) to `<dir>/engine.log`,
 * each prefixed with the pid. Run with `node --import tsx harness/engine-child.ts '<json>'`;
 * `engine-process.ts` does that and speaks the protocol.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Result } from '../src/shared/api';
import type { HealthState } from '../src/shared/fleet';
import type { EngineOptions, LedgerSetup } from '../src/main/engine/engine';
import { Engine } from '../src/main/engine/engine';
import type { ServerInput } from '../src/main/engine/fleet/fleet-monitor';
import { openSqliteStore } from '../src/main/engine/store/open-sqlite';
import { FAST_ENGINE, FAST_LEDGER } from './fast-timings';

type EngineTimings = Pick<EngineOptions, 'probe' | 'health' | 'backoff' | 'deltaIntervalMs'>;
type LedgerTimings = Pick<LedgerSetup, 'tracker' | 'dispatch' | 'locks'>;

export interface ChildConfig {
  /** Data folder: `ledger.sqlite`, `outputs/`, `engine.log`. Reused across restarts. */
  dir: string;
  /** Added at start unless already saved in the ledger (same URL). */
  servers: ServerInput[];
  /**
   * What `engine` and `ledger` override: `fast` (default) the short test timings of
   * `fast-timings.ts`; `product` the Engine's own defaults, so detection and loss handling
   * are the real ones (the chaos run).
   */
  timings?: 'fast' | 'product';
  /** Overrides of the engine's timings. */
  engine?: EngineTimings;
  /** Overrides of the ledger's timings, per section. */
  ledger?: LedgerTimings;
  /** Log every socket and probe event too. */
  verbose?: boolean;
  /**
   * Answers leave this long after the engine gave them (the command itself runs at once): a
   * slow link to the caller, so a kill can fall between a command's effect and its answer.
   */
  replyDelayMs?: number;
  /** Recorded in the audit log as the author of every command. Default `operator`. */
  actor?: string;
}

/** What the parent passes in argv[2]: the caller's config plus what the protocol needs. */
export interface ChildArgs extends ChildConfig {
  /** Send {@link HealthEvent} lines; only when someone listens, so other drivers pay nothing. */
  healthEvents: boolean;
}

export interface ChildRequest {
  id: number;
  name: string;
  args: unknown;
}

export interface ChildReply {
  id: number;
  result: Result<unknown>;
}

export interface ChildReady {
  ready: true;
  pid: number;
  clientId: string;
}

/** A server's health as the engine now sees it; `at` is the engine's clock (epoch ms). */
export interface HealthEvent {
  health: { serverId: string; name: string; state: HealthState; reason: string; at: number };
}

export type ChildLine = ChildReady | ChildReply | HealthEvent;

/** The timings the config's overrides apply to. */
function baseTimings(timings: ChildConfig['timings']): { engine: EngineTimings; ledger: LedgerTimings } {
  if (timings === 'product') return { engine: {}, ledger: {} };
  const { deltaIntervalMs, probe, health, backoff } = FAST_ENGINE;
  const { tracker, dispatch, locks } = FAST_LEDGER;
  return { engine: { deltaIntervalMs, probe, health, backoff }, ledger: { tracker, dispatch, locks } };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const logFile = join(config.dir, 'engine.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} [${process.pid}] ${line}\n`);
  log('starting');
  const base = baseTimings(config.timings);
  const store = await openSqliteStore({ file: join(config.dir, 'ledger.sqlite') });
  const engine = new Engine({
    ...base.engine,
    ...config.engine,
    log,
    verbose: config.verbose === true,
    servers: config.servers,
    ledger: {
      store,
      outputsDir: join(config.dir, 'outputs'),
      // Per section, so overriding one lock timing keeps the base's other lock timings.
      tracker: { ...base.ledger.tracker, ...config.ledger?.tracker },
      dispatch: { ...base.ledger.dispatch, ...config.ledger?.dispatch },
      locks: { ...base.ledger.locks, ...config.ledger?.locks },
    },
  });
  const send = (msg: ChildLine) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  if (config.healthEvents) {
    // Subscribed before `ready` so the first probes' verdicts are heard too.
    const lastState = new Map<string, HealthState>();
    engine.onEvent((e) => {
      if (e.type !== 'deltas') return;
      for (const d of e.batch.deltas) {
        if (d.type !== 'server.upsert') continue;
        const s = d.server;
        if (lastState.get(s.id) === s.health.state) continue;
        lastState.set(s.id, s.health.state);
        send({ health: { serverId: s.id, name: s.name, state: s.health.state, reason: s.health.reason, at: Date.now() } });
      }
    });
  }
  await engine.ready;
  send({ ready: true, pid: process.pid, clientId: engine.clientId });
  log('ready');

  const actor = config.actor ?? 'operator';
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let req: ChildRequest;
    try {
      req = JSON.parse(line) as ChildRequest;
    } catch {
      log(`unreadable request: ${line.slice(0, 200)}`);
      return;
    }
    const reply = (msg: ChildReply) => (config.replyDelayMs ? setTimeout(() => send(msg), config.replyDelayMs) : send(msg));
    engine.call(req.name, req.args, { actor }).then(
      (result) => reply({ id: req.id, result }),
      (err: unknown) => reply({ id: req.id, result: { ok: false, error: { code: 'internal', message: String(err) } } }),
    );
  });
  // The parent went away (or closed our stdin on purpose): stop cleanly.
  rl.once('close', () => {
    log('stdin closed; stopping');
    engine.dispose();
    void store
      .close()
      .catch((err: unknown) => log(`closing the ledger failed: ${String(err)}`))
      .finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`engine child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
