import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

export interface HostRun {
  /** How the run ended: the host's exit code, or `served` when it came up and printed its URL (it is then stopped). */
  outcome: { exited: number | null; signal: NodeJS.Signals | null } | 'served';
  /** Everything it printed, stdout and stderr interleaved. */
  output: string;
}

/**
 * Runs the real headless host (`src/headless/cli.ts`, as `npm run serve` does) with `args` and
 * waits until it either exits (a refused start) or prints its console URL (a start that
 * succeeded; the host is then stopped with SIGTERM, SIGKILL after 5 s). Bounded by `timeoutMs`.
 */
export function runHost(args: string[], timeoutMs = 60_000): Promise<HostRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/headless/cli.ts', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let output = '';
  return new Promise<HostRun>((resolve, reject) => {
    let served = false;
    const stop = () => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the host neither exited nor served within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const hear = (d: Buffer) => {
      output += d.toString();
      if (!served && output.includes('ComfyFleet console: http')) {
        served = true;
        stop();
      }
    };
    child.stdout.on('data', hear);
    child.stderr.on('data', hear);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ outcome: served ? 'served' : { exited: code, signal }, output });
    });
  });
}
