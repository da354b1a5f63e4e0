import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../src/shared/fleet';

const REPO = join(__dirname, '..');
const TOKEN = 'demo-data-folder-test';

interface Cli {
  output(): string;
  servers(): Promise<ServerView[]>;
  /** SIGTERM, as Ctrl-C does; resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * The real headless CLI (`src/headless/cli.ts`, as `npm run serve` and `npm run demo` run it)
 * started in `cwd` without `--data`, so the default data folder is the one under test. Resolves
 * once it printed its console URL: by then the demo's servers are placed in the fleet.
 */
async function startCli(cwd: string, args: string[], timeoutMs = 90_000): Promise<Cli> {
  // The loader by its path: from a folder outside the repository, a bare `tsx` does not resolve.
  const tsx = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(REPO, 'src/headless/cli.ts'), '--port', '0', '--api-port', '0', '--token', TOKEN, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
  });
  running.push(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const api = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI printed no console URL within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const hear = (d: Buffer) => {
      out += d.toString();
      const m = /ComfyFleet task API: (http\S+\/v1)/.exec(out);
      if (m?.[1] && out.includes('ComfyFleet console: http')) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', hear);
    child.stderr?.on('data', hear);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited with ${code} before serving:\n${out}`));
    });
  });
  return {
    output: () => out,
    servers: async () => {
      const res = await fetch(`${api}/servers`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { servers: ServerView[] }).servers;
    },
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('npm run demo and npm run serve keep apart (M3, M2)', () => {
  it('M3: the demo keeps its own data folder, so its servers never come back as dead servers in a later serve on the default folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'comfyfleet-demo-data-'));
    try {
      const demo = await startCli(cwd, ['--demo']);
      const demoServers = await demo.servers();
      expect(demoServers.map((s) => s.name).sort()).toEqual(['demo-gpu-1 (1×)', 'demo-gpu-2 (2×)', 'demo-gpu-3 (4×)']);
      expect(await demo.stop()).toBe(0);

      // `serve` on the same default folder: none of the demo's servers.
      const serve = await startCli(cwd, []);
      expect(await serve.servers()).toEqual([]);
      expect(serve.output()).toContain('0 server(s): none yet');
      expect(serve.output()).toContain(`data folder ${join(cwd, '.data')}`);
      expect(await serve.stop()).toBe(0);

      // The demo said where its data went, and that `serve` does not see it.
      expect(demo.output()).toContain(`data folder ${join(cwd, '.data-demo')}`);
      expect(demo.output()).toMatch(/demo: its servers and tasks are kept in .*\.data-demo, apart from the \.\/\.data of `npm run serve`/);

      // Each run's ledger is in its own folder.
      expect(existsSync(join(cwd, '.data-demo', 'ledger.sqlite'))).toBe(true);
      expect(existsSync(join(cwd, '.data', 'ledger.sqlite'))).toBe(true);

      // A second demo finds its saved servers again (moved to the new ports by name), not twice.
      const again = await startCli(cwd, ['--demo']);
      expect((await again.servers()).map((s) => s.name).sort()).toEqual(demoServers.map((s) => s.name).sort());
      expect(await again.stop()).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 300_000);
});
