import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl on a temp dir and a
 * free port on 127.0.0.1, trust auth, torn down (data included) by `stop`. As root, the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export interface PgCluster {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** For `process.on('exit')`: stops immediately, synchronously. */
  stopSync(): void;
}

export interface ClusterOptions {
  /** Keep fsync and synchronous commit on (benchmarks); tests turn them off for speed. */
  durable?: boolean;
  maxConnections?: number;
}

const STEP_TIMEOUT_MS = 60_000;

export function findPgBin(): string | null {
  const fromEnv = process.env.COMFYFLEET_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install them (apt-get install postgresql; .ci/run does) or set COMFYFLEET_PG_URL to an existing server');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-pg-'));
  const data = join(dir, 'data');
  const owner = asRoot ? postgresUser() : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const runAs = async (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    await exec(file, argv);
  };
  const stopSync = () => {
    try {
      const args = ['-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop'];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 15_000 });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 15_000 });
    } catch {
      // already stopped, or never started
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await runAs('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        `-c max_connections=${options.maxConnections ?? 300}`,
        '-c shared_buffers=64MB',
        ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      ].join(' ');
      try {
        await runAs('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', settings, 'start']);
        const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
        let stopped: Promise<void> | null = null;
        return {
          adminUrl,
          port,
          dir,
          stopSync,
          stop: () => {
            stopped ??= (async () => {
              try {
                await runAs('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '20', 'stop']);
              } catch {
                stopSync();
              }
              rmSync(dir, { recursive: true, force: true });
            })();
            return stopped;
          },
        };
      } catch (err) {
        lastError = err; // most likely the port was taken between probe and start
      }
    }
    throw lastError;
  } catch (err) {
    stopSync();
    throw err;
  }
}

/** Creates a database for one test file; `drop` removes it (even with connections left open). */
export async function createDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function adminQuery(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('user "postgres" not found; install postgresql');
  return { uid, gid };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

function exec(file: string, args: string[]): Promise<void> {
  return new Promise((resolveExec, reject) => {
    execFile(file, args, { timeout: STEP_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolveExec();
    });
  });
}
