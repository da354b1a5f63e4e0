import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DemoLauncher } from '../engine';
import { Engine } from '../engine';
import type { ServerInput } from '../fleet/fleet-monitor';
import { openStore, storeTarget } from '../store/open-store';
import type { Store } from '../store/store';
import { lockTimings, type HostArgs } from './host-args';
import type { RestApi } from './rest-api';
import { startRestApi } from './rest-api';

export interface ConsoleEngine {
  engine: Engine;
  store: Store;
  dataDir: string;
  /** The task API, when `--api-port` was given. */
  api: RestApi | null;
  /** Stops the API, the engine, and closes the ledger; safe to call twice. */
  close(): Promise<void>;
}

/**
 * What both hosts do at start: open the task ledger (SQLite in the data folder, or PostgreSQL
 * by URL), start the engine on it with the given servers, and serve the task API if asked.
 * A ledger that cannot be opened stops the start with its own message (a corrupt file is
 * named and left untouched).
 */
export async function startConsoleEngine(args: HostArgs, defaults: { dataDir: string; extraServers?: ServerInput[]; demo?: DemoLauncher; log: (line: string) => void }): Promise<ConsoleEngine> {
  const dataDir = resolve(args.dataDir ?? defaults.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore(storeTarget(args.database, dataDir));
  let engine: Engine | null = null;
  let api: RestApi | null = null;
  try {
    engine = new Engine({
      servers: [...args.servers, ...(defaults.extraServers ?? [])],
      ledger: { store, outputsDir: join(dataDir, 'outputs'), locks: lockTimings(args.stuckAfterS) },
      log: defaults.log,
      verbose: args.verbose,
      probe: args.probe,
      demo: defaults.demo,
    });
    await engine.ready;
    // M3: `--demo` starts the same fleet the empty console offers.
    if (args.demo && defaults.demo) await defaults.demo.start(engine);
    if (args.apiPort !== null) api = await startRestApi({ engine, host: args.host, port: args.apiPort, token: args.token, log: defaults.log });
  } catch (err) {
    engine?.dispose();
    await store.close();
    throw err;
  }
  defaults.log(`task ledger: ${store.backend} ${store.label}`);
  let closing: Promise<void> | null = null;
  const running = engine;
  return {
    engine: running,
    store,
    dataDir,
    api,
    close: () =>
      (closing ??= (async () => {
        await api?.close();
        running.dispose();
        await store.close();
      })()),
  };
}
