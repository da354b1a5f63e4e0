import { parseArgs } from 'node:util';
import type { ServerInput } from '../fleet/fleet-monitor';

export interface HostArgs {
  servers: ServerInput[];
  host: string;
  port: number;
  dataDir: string | null;
  token: string | null;
  demo: boolean;
  verbose: boolean;
}

export class HostArgsError extends Error {
  override readonly name = 'HostArgsError';
}

export const DEFAULT_PORT = 8420;

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
      token: { type: 'string' },
      demo: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new HostArgsError(HELP);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const portText = str(values.port);
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HostArgsError(`--port ${portText}: give a port number from 0 to 65535 (0 picks a free one)`);
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
    token: str(values.token) ?? null,
    demo: values.demo === true,
    verbose: values.verbose === true,
  };
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
  --data DIR       data folder (default ./.data)
  --token T        require this token on the API bridge
  --demo           also start three simulated ComfyUI servers with some load
  --verbose        log every server event`;
