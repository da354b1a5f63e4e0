/**
 * The engine of a chaos run, in a process of its own so the driver can SIGKILL it and start it
 * again on the same data folder. A real Engine over the SQLite ledger in `<dir>`, with the
 * timings the driver gives. One JSON line each way:
 *
 *   argv[2]  JSON {@link ChaosChildConfig}
 *   stdout   `{"ready":true,"pid":…}` once the engine is ready, then {@link ChildReply} lines
 *            (one per request, any order) and {@link HealthEvent} lines (a server's health
 *            changed, as the engine's own `server.upsert` deltas say)
 *   stdin    one {@link ChildRequest} per line; end of stdin stops the engine and the process
 *
 * Engine log lines are appended synchronously (a SIGKILL loses none) to `<dir>/engine.log`.
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

export interface ChaosChildConfig {
  /** Data folder: `ledger.sqlite`, `outputs/`, `engine.log`; the same across restarts. */
  dir: string;
  servers: ServerInput[];
  engine: Pick<EngineOptions, 'probe' | 'health' | 'backoff' | 'deltaIntervalMs'>;
  ledger: Pick<LedgerSetup, 'tracker' | 'dispatch' | 'locks'>;
  /**
   * Answers leave this long after the engine gave them (the command itself runs at once): a
   * slow link to the caller, so a kill can fall between a submission's commit and its answer.
   */
  replyDelayMs?: number;
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
}

/** A server's health as the engine now sees it; `at` is the engine's clock (epoch ms). */
export interface HealthEvent {
  health: { serverId: string; name: string; state: HealthState; reason: string; at: number };
}

export type ChildLine = ChildReady | ChildReply | HealthEvent;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChaosChildConfig;
  const logFile = join(config.dir, 'engine.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} [${process.pid}] ${line}\n`);
  log('starting');
  const store = await openSqliteStore({ file: join(config.dir, 'ledger.sqlite') });
  const engine = new Engine({
    ...config.engine,
    log,
    servers: config.servers,
    ledger: { store, outputsDir: join(config.dir, 'outputs'), ...config.ledger },
  });
  const send = (msg: ChildLine) => process.stdout.write(`${JSON.stringify(msg)}\n`);
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
  await engine.ready;
  send({ ready: true, pid: process.pid });
  log('ready');

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
    engine.call(req.name, req.args, { actor: 'chaos-operator' }).then(
      (result) => reply({ id: req.id, result }),
      (err: unknown) => reply({ id: req.id, result: { ok: false, error: { code: 'internal', message: String(err) } } }),
    );
  });
  // The driver went away (or closed our stdin on purpose): stop cleanly.
  rl.once('close', () => {
    log('stdin closed; stopping');
    engine.dispose();
    store.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos engine child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
