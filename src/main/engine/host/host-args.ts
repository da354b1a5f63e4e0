import { parseArgs } from 'node:util';
import type { ServerInput } from '../fleet/fleet-monitor';
import { DEFAULT_PROBE_TIMING } from '../fleet/server-monitor';

export interface HostArgs {
  servers: ServerInput[];
  host: string;
  port: number;
  dataDir: string | null;
  /** A `postgres://` URL to keep the task ledger in PostgreSQL (S2); null: SQLite in the data folder. */
  database: string | null;
  /**
   * Bearer token for the API bridge and the task API. Null when not given: the task API then
   * makes a random one at start-up and prints it (never the parser: parsing stays pure).
   */
  token: string | null;
  /** Port of the task REST API (A1); null (the default) serves none; 0 picks a free one. */
  apiPort: number | null;
  demo: boolean;
  verbose: boolean;
  /**
   * L3: seconds a lock's server must stay unhealthy before the lock is `stuck` (default 60).
   * Short values are for demos and tests that need to see a stuck lock within seconds.
   */
  stuckAfterS: number;
  /** F2 probe timings (U6 shows them); each default is the engine's. */
  probe: { queueIntervalMs: number; statsIntervalMs: number; timeoutMs: number };
}

export class HostArgsError extends Error {
  override readonly name = 'HostArgsError';
}

export const DEFAULT_PORT = 8420;
export const DEFAULT_STUCK_AFTER_S = 60;
/** The engine's default L3 sweep period; a short `--stuck-after` sweeps faster than this. */
const DEFAULT_SWEEP_MS = 30_000;


/**
 * Options shared by both hosts. `--servers` takes URLs or `name=URL` pairs separated by commas:
 * `--servers gpu-1=http://10.0.0.5:8188,http://127.0.0.1:8189`. URLs are validated by the fleet.
 */
export function parseHostArgs(argv: string[], { strict = true } = {}): HostArgs {
  const { values } = parseArgs({
    args: argv,
    strict,
    allowPositionals: !strict,
    options: {
      servers: { type: 'string', multiple: true },
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      db: { type: 'string' },
      token: { type: 'string' },
      'api-port': { type: 'string' },
      demo: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'stuck-after': { type: 'string' },
      'probe-every': { type: 'string' },
      'stats-every': { type: 'string' },
      'probe-timeout': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new HostArgsError(HELP);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const portText = str(values.port);
  const port = portText === undefined ? DEFAULT_PORT : parsePort('--port', portText);
  const apiPortText = str(values['api-port']);
  const apiPort = apiPortText === undefined ? null : parsePort('--api-port', apiPortText);
  if (apiPort !== null && apiPort !== 0 && apiPort === port) {
    throw new HostArgsError(`--api-port ${apiPort} is also the console's --port; give the task API a port of its own (0 picks a free one)`);
  }
  const token = str(values.token);
  if (token !== undefined && token.trim() === '') {
    throw new HostArgsError('--token is empty; give a secret, or leave --token out (the task API then generates one and prints it)');
  }
  const serverLists = Array.isArray(values.servers) ? values.servers.filter((s): s is string => typeof s === 'string') : [];
  const servers = serverLists
    .flatMap((list) => list.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseServerSpec);
  return {
    servers,
    host: str(values.host) ?? '127.0.0.1',
    port,
    dataDir: str(values.data) ?? null,
    database: parseDatabase(str(values.db)),
    token: token ?? null,
    apiPort,
    demo: values.demo === true,
    verbose: values.verbose === true,
    stuckAfterS: parseSeconds('--stuck-after', str(values['stuck-after']), DEFAULT_STUCK_AFTER_S, 86_400, "the seconds a lock's server must be unhealthy before the lock is stuck"),
    probe: {
      queueIntervalMs: 1000 * parseSeconds('--probe-every', str(values['probe-every']), DEFAULT_PROBE_TIMING.queueIntervalMs / 1000, 3_600, 'the seconds between GET /queue probes of each server'),
      statsIntervalMs: 1000 * parseSeconds('--stats-every', str(values['stats-every']), DEFAULT_PROBE_TIMING.statsIntervalMs / 1000, 3_600, 'the seconds between GET /system_stats probes of each server'),
      timeoutMs: 1000 * parseSeconds('--probe-timeout', str(values['probe-timeout']), DEFAULT_PROBE_TIMING.timeoutMs / 1000, 600, 'the seconds a probe may take before it counts as failed'),
    },
  };
}

function parseSeconds(flag: string, text: string | undefined, fallback: number, max: number, what: string): number {
  if (text === undefined) return fallback;
  // Plain decimals only, as with ports: Number('') and Number('0x10') would slip through.
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0) || seconds > max) {
    throw new HostArgsError(`${flag} ${text}: give ${what}, more than 0 and at most ${max} (default ${fallback})`);
  }
  return seconds;
}

/**
 * The engine's lock timings for `--stuck-after`: the grace is the flag, and the sweep that
 * notices it runs at least four times within it, so a lock turns stuck soon after the grace
 * (never slower than the default 30 s sweep).
 */
export function lockTimings(stuckAfterS: number): { unhealthyGraceMs: number; sweepMs: number } {
  const unhealthyGraceMs = Math.round(stuckAfterS * 1000);
  return { unhealthyGraceMs, sweepMs: Math.max(100, Math.min(DEFAULT_SWEEP_MS, Math.round(unhealthyGraceMs / 4))) };
}

function parseDatabase(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!/^postgres(ql)?:\/\//.test(text.trim())) {
    throw new HostArgsError(`--db ${text.replace(/\/\/[^@/]*@/, '//…@')}: give a PostgreSQL URL (postgres://user:password@host:5432/db); leave --db out to use SQLite in the data folder`);
  }
  return text.trim();
}

function parsePort(option: string, text: string): number {
  // Number('') is 0 and Number(' 8 ') is 8: only plain digits are a port.
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HostArgsError(`${option} ${text}: give a port number from 0 to 65535 (0 picks a free one)`);
  }
  return port;
}

function parseServerSpec(spec: string): ServerInput {
  const eq = spec.indexOf('=');
  // `name=URL`, but a bare URL may itself contain '=' only after '?', which servers may not have.
  if (eq > 0 && !spec.slice(0, eq).includes('://')) return { name: spec.slice(0, eq), url: spec.slice(eq + 1) };
  return { url: spec };
}

export const HELP = `Options:
  --servers LIST   ComfyUI servers: URLs or name=URL, comma-separated (repeatable)
  --host ADDR      address to bind (default 127.0.0.1; anything else requires --token)
  --port N         port (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR       data folder: task ledger (SQLite) and outputs (default ./.data)
  --db URL         keep the task ledger in PostgreSQL (postgres://…) instead of SQLite
  --token T        require this token on the API bridge and the task API
  --api-port N     serve the task REST API (A1) on this port; off unless given, 0 picks a free one.
                   It always requires a token: --token T, or else a random one is generated at
                   start-up and printed (it changes on every start; give --token for scripts)
  --demo           also start three simulated ComfyUI servers with some load
  --stuck-after S  seconds a locked session's server must be unhealthy before its lock is
                   stuck (L3; default ${DEFAULT_STUCK_AFTER_S})
  --probe-every S  seconds between GET /queue probes of each server (F2; default ${DEFAULT_PROBE_TIMING.queueIntervalMs / 1000})
  --stats-every S  seconds between GET /system_stats probes (F5; default ${DEFAULT_PROBE_TIMING.statsIntervalMs / 1000})
  --probe-timeout S  seconds a probe may take before it fails (F2; default ${DEFAULT_PROBE_TIMING.timeoutMs / 1000})
  --verbose        log every server event`;
