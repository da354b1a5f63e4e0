import { resolve } from 'node:path';
import { startConsoleEngine } from '../main/engine/host/start-console';
import { HostArgsError, parseHostArgs } from '../main/engine/host/host-args';
import { RestApiConfigError } from '../main/engine/host/rest-api';
import { isLedgerError } from '../main/engine/tasks/ledger-error';
import { demoLauncher } from '../demo/launcher';
import { defaultDataDir, SERVE_DATA_DIR } from './data-folder';
import { HostConfigError, startHeadlessHost } from './host';

/**
 * `npm run serve -- --servers URL,URL --port N --data DIR [--api-port N --token T]`: the engine
 * in plain Node, the renderer on 127.0.0.1, and the task API when asked. Needs no settings file.
 */
async function main(): Promise<void> {
  const args = parseHostArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

  const demo = demoLauncher(log);
  // M3: the demo keeps a data folder of its own, so its servers never turn up in `serve`.
  const console_ = await startConsoleEngine(args, { dataDir: defaultDataDir(args), demo, log });
  const { engine } = console_;
  const host = await startHeadlessHost({
    engine,
    host: args.host,
    port: args.port,
    rendererDir: resolve(__dirname, '../../out/renderer'),
    token: args.token,
    log,
  });
  log(`data folder ${console_.dataDir}`);
  if (args.demo && args.dataDir === null) {
    log(`demo: its servers and tasks are kept in ${console_.dataDir}, apart from the ./${SERVE_DATA_DIR} of \`npm run serve\` (give --data DIR to choose)`);
  }
  const servers = engine.snapshot().servers;
  log(`${servers.length} server(s): ${servers.map((s) => s.name).join(', ') || 'none yet — add them in the console'}`);
  if (console_.api) console.log(`ComfyFleet task API: ${console_.api.url}/v1`);
  console.log(`ComfyFleet console: ${host.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await host.close();
    await console_.close();
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof HostArgsError || err instanceof HostConfigError || err instanceof RestApiConfigError || isLedgerError(err)) {
    console.error(err.message);
    process.exit(2);
  }
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(`the port is already in use; pick another with --port N (0 picks a free one)`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
