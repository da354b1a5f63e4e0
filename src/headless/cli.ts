import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Engine } from '../main/engine/engine';
import { HostArgsError, parseHostArgs } from '../main/engine/host/host-args';
import { startDemoFleet } from './demo-fleet';
import { HostConfigError, startHeadlessHost } from './host';

/**
 * `npm run serve -- --servers URL,URL --port N --data DIR`: the engine in plain Node and the
 * renderer on 127.0.0.1. Needs no settings file.
 */
async function main(): Promise<void> {
  const args = parseHostArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const dataDir = resolve(args.dataDir ?? '.data');
  mkdirSync(dataDir, { recursive: true });

  const demo = args.demo ? await startDemoFleet(log) : null;
  const servers = [...args.servers, ...(demo?.serverInputs ?? [])];
  if (demo) for (const s of demo.servers) log(`demo: simulated ComfyUI "${s.name}" at ${s.url}`);

  const engine = new Engine({ servers, log, verbose: args.verbose });
  await engine.ready;
  const host = await startHeadlessHost({
    engine,
    host: args.host,
    port: args.port,
    rendererDir: resolve(__dirname, '../../out/renderer'),
    token: args.token,
    log,
  });
  log(`data folder ${dataDir}`);
  log(`${servers.length} server(s): ${servers.map((s) => s.name ?? s.url).join(', ') || 'none yet — add them in the console'}`);
  console.log(`ComfyFleet console: ${host.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await host.close();
    engine.dispose();
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof HostArgsError || err instanceof HostConfigError) {
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
