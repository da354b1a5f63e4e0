/**
 * `npm run sim -- --servers 3 --base-port 8188 --speeds 1,2,4 [--admin-port 8187]
 *                [--models a,b] [--latent-previews]`
 * Starts a simulated ComfyUI fleet on 127.0.0.1 plus the JSON admin API (see sim/README.md).
 */
import { startAdmin, startFleet, type AdminServer, type SimServer } from './src/index';

interface CliOptions {
  servers: number;
  basePort: number;
  speeds: number[];
  adminPort: number | null;
  models: string[] | null;
  latentPreviews: boolean;
}

const USAGE = 'usage: npm run sim -- [--servers N] [--base-port P] [--speeds 1,2,4] [--admin-port P] [--models a,b] [--latent-previews]';

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { servers: 3, basePort: 8188, speeds: [], adminPort: null, models: null, latentPreviews: false };
  const positiveNumber = (flag: string, text: string | undefined): number => {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got '${text ?? ''}'`);
    return n;
  };
  // 0 asks the OS for a free port (what tests use).
  const port = (flag: string, text: string | undefined): number => {
    const n = Number(text);
    if (text === undefined || !Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} needs a port number, got '${text ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--servers':
        o.servers = Math.floor(positiveNumber(flag, value()));
        break;
      case '--base-port':
        o.basePort = port(flag, value());
        break;
      case '--admin-port':
        o.adminPort = port(flag, value());
        break;
      case '--speeds':
        o.speeds = (value() ?? '').split(',').map((s) => positiveNumber(flag, s.trim()));
        break;
      case '--models':
        o.models = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--latent-previews':
        o.latentPreviews = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option '${arg}'\n${USAGE}`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const speeds = Array.from({ length: o.servers }, (_, i) => o.speeds[i] ?? 1);
  const servers: SimServer[] = await startFleet({
    count: o.servers,
    basePort: o.basePort === 0 ? undefined : o.basePort,
    speeds,
    models: o.models ? speeds.map(() => o.models as string[]) : undefined,
    latentPreviews: o.latentPreviews,
  });
  const admin: AdminServer = await startAdmin(servers, { port: o.adminPort ?? Math.max(0, o.basePort - 1), speeds });
  for (const [i, s] of servers.entries()) console.log(`${s.name}  ${s.url}  speed ${speeds[i]}x`);
  console.log(`admin  ${admin.url}  (GET /servers)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping simulators`);
    void Promise.all([admin.close(), ...servers.map((s) => s.close())]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
