/**
 * An engine in a process of its own, for tests that kill it (crash-restart): a real Engine over
 * the SQLite ledger of a given folder and the given servers, with the test timings of
 * `engine-harness.ts`. It submits nothing itself; its commands are reachable over stdin/stdout,
 * one JSON line each way:
 *
 *   argv[2]  JSON {@link ChildConfig}
 *   stdout   `{"ready":true,"pid":…,"clientId":…}` once the engine is ready, then one
 *            {@link ChildReply} per request, in any order
 *   stdin    one {@link ChildRequest} per line; end of stdin stops the engine and the process
 *
 * Engine log lines are appended (synchronously, so a SIGKILL loses none) to `<dir>/engine.log`,
 * each prefixed with the pid. Run with `node --import tsx test/support/engine-child.ts '<json>'`;
 * `engine-process.ts` does that and speaks the protocol.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Result } from '../../src/shared/api';
import type { LedgerSetup } from '../../src/main/engine/engine';
import { Engine } from '../../src/main/engine/engine';
import type { ServerInput } from '../../src/main/engine/fleet/fleet-monitor';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import { FAST_ENGINE, FAST_LEDGER } from './engine-harness';

export interface ChildConfig {
  /** Data folder: `ledger.sqlite`, `outputs/`, `engine.log`. Reused across restarts. */
  dir: string;
  /** Added at start unless already saved in the ledger (same URL). */
  servers: ServerInput[];
  /** Overrides of the test timings. */
  ledger?: Pick<Partial<LedgerSetup>, 'tracker' | 'dispatch' | 'locks'>;
  /** Log every socket and probe event too. */
  verbose?: boolean;
  /**
   * Answers leave this long after the engine gave them (the command itself runs at once): a
   * slow link to the caller, so a kill can fall between a command's effect and its answer.
   */
  replyDelayMs?: number;
}

export interface ChildRequest {
  id: number;
  name: string;
  args: unknown;
  /** Recorded in the audit log; `operator` when absent. */
  actor?: string;
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

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const logFile = join(config.dir, 'engine.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} [${process.pid}] ${line}\n`);
  log('starting');
  const store = await openSqliteStore({ file: join(config.dir, 'ledger.sqlite') });
  const engine = new Engine({
    ...FAST_ENGINE,
    log,
    verbose: config.verbose === true,
    servers: config.servers,
    ledger: {
      store,
      outputsDir: join(config.dir, 'outputs'),
      tracker: { ...FAST_LEDGER.tracker, ...config.ledger?.tracker },
      dispatch: { ...FAST_LEDGER.dispatch, ...config.ledger?.dispatch },
      locks: { ...FAST_LEDGER.locks, ...config.ledger?.locks },
    },
  });
  await engine.ready;
  const send = (msg: ChildReady | ChildReply) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  send({ ready: true, pid: process.pid, clientId: engine.clientId });
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
    engine.call(req.name, req.args, { actor: req.actor ?? 'operator' }).then(
      (result) => reply({ id: req.id, result }),
      (err: unknown) => reply({ id: req.id, result: { ok: false, error: { code: 'internal', message: String(err) } } }),
    );
  });
  // The parent went away (or closed our stdin on purpose): stop cleanly.
  rl.once('close', () => {
    log('stdin closed; stopping');
    engine.dispose();
    store.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`engine child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
