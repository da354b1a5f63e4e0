/**
 * The parent side of `engine-child.ts`: starts an engine in a child process over a data folder,
 * calls its commands, hears its health events, and kills it (SIGKILL) like a power cut or stops
 * it cleanly. Every process started here is tracked and {@link killAllEngineProcesses} ends the
 * survivors whatever happened, for test and chaos-run cleanup.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildArgs, ChildConfig, ChildLine, ChildReady, ChildReply, ChildRequest, HealthEvent } from './engine-child';

const CHILD = join(__dirname, 'engine-child.ts');
const REPO = join(__dirname, '..');
/** A long run's child can write a lot to stderr; the start is what explains a failure. */
const STDERR_KEPT_CHARS = 64_000;

/** The call could not be answered: the engine process ended (was killed) before it replied. */
export class EngineGone extends Error {
  override readonly name = 'EngineGone';
}

/** The engine answered with an error result; `code` is the API's stable code (`queue_full`…). */
export class EngineCallError extends Error {
  override readonly name = 'EngineCallError';
  constructor(
    readonly command: string,
    readonly code: string,
    message: string,
  ) {
    super(`${command}: ${code}: ${message}`);
  }
}

export interface EngineProcess {
  readonly pid: number;
  readonly clientId: string;
  readonly alive: boolean;
  /** Runs a command; rejects with {@link EngineGone} if the process ends first, {@link EngineCallError} on an error result. */
  call<T>(name: string, args: unknown): Promise<T>;
  /** SIGKILL, then waits until the process is gone. Idempotent. */
  kill(): Promise<void>;
  /** Closes stdin (the engine stops cleanly), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** What the process wrote to stderr (a start-up failure, an uncaught error), capped. */
  stderr(): string;
}

export interface StartEngineOptions {
  /** Health changes, timestamped on the parent's clock when the line arrives. Asks the child for them. */
  onHealth?: (e: HealthEvent['health'], receivedAt: number) => void;
  /** Start-up deadline (tsx compiles the engine on the first start). Default 30 s. */
  readyTimeoutMs?: number;
  /** Deadline of one call. Default 20 s. */
  callTimeoutMs?: number;
}

const started = new Set<ChildProcessWithoutNullStreams>();

export function startEngineProcess(config: ChildConfig, options: StartEngineOptions = {}): Promise<EngineProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;
  const childArgs: ChildArgs = { ...config, healthEvents: options.onHealth !== undefined };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(childArgs)], { cwd: REPO, stdio: 'pipe' });
  started.add(child);
  let err = '';
  const keepErr = (text: string) => {
    if (err.length < STDERR_KEPT_CHARS) err += text;
  };
  let nextId = 0;
  let alive = true;
  const waiting = new Map<number, { resolve: (r: ChildReply['result']) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      started.delete(child);
      const gone = new EngineGone(`engine process ${child.pid} ended (${signal ?? `exit ${code}`}) before answering`);
      for (const w of waiting.values()) w.reject(gone);
      waiting.clear();
      resolve();
    });
  });
  child.stderr.on('data', (d: Buffer) => keepErr(d.toString()));
  // Writes to a killed child fail with EPIPE; the pending call is rejected by the exit handler.
  child.stdin.on('error', () => undefined);

  return new Promise<EngineProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`engine process did not get ready within ${readyTimeoutMs} ms:\n${err}`));
    }, readyTimeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`engine process ended before it was ready:\n${err}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      // Taken before parsing: health timings are measured on the parent's clock.
      const receivedAt = Date.now();
      let msg: ChildLine;
      try {
        msg = JSON.parse(line) as ChildLine;
      } catch {
        keepErr(`[unparsed stdout] ${line}\n`);
        return;
      }
      if ('ready' in msg) {
        clearTimeout(timer);
        resolve(handle(msg));
      } else if ('health' in msg) {
        options.onHealth?.(msg.health, receivedAt);
      } else {
        const w = waiting.get(msg.id);
        waiting.delete(msg.id);
        w?.resolve(msg.result);
      }
    });
  });

  function handle(ready: ChildReady): EngineProcess {
    return {
      pid: ready.pid,
      clientId: ready.clientId,
      get alive() {
        return alive;
      },
      stderr: () => err,
      async call<T>(name: string, args: unknown): Promise<T> {
        if (!alive) throw new EngineGone(`engine process ${ready.pid} is gone`);
        const id = ++nextId;
        const result = await new Promise<ChildReply['result']>((res, rej) => {
          const timer = setTimeout(() => {
            waiting.delete(id);
            rej(new Error(`engine process ${ready.pid}: ${name} not answered within ${callTimeoutMs} ms`));
          }, callTimeoutMs);
          waiting.set(id, {
            resolve: (r) => {
              clearTimeout(timer);
              res(r);
            },
            reject: (e) => {
              clearTimeout(timer);
              rej(e);
            },
          });
          const request: ChildRequest = { id, name, args };
          child.stdin.write(`${JSON.stringify(request)}\n`);
        });
        if (!result.ok) throw new EngineCallError(name, result.error.code, result.error.message);
        return result.value as T;
      },
      async kill() {
        if (alive) child.kill('SIGKILL');
        await exited;
      },
      async stop(graceMs = 5_000) {
        if (alive) child.stdin.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      },
    };
  }
}

/** Cleanup: SIGKILL every engine process still running and wait for them to end. */
export async function killAllEngineProcesses(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
