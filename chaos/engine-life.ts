/**
 * The engine's successive lives over one data folder: the process in charge now, SIGKILL and
 * restart, and a way for callers to wait out a restart. Calls go through {@link EngineLives.call},
 * which says which life answered so a caller can tell a lost answer from a refusal.
 */
import type { ChildConfig } from '../harness/engine-child';
import type { EngineProcess, StartEngineOptions } from '../harness/engine-process';
import { EngineGone, startEngineProcess } from '../harness/engine-process';

export class EngineLives {
  private proc: EngineProcess | null = null;
  /** 0 for the first process, +1 per restart. */
  generation = -1;
  kills = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly config: ChildConfig,
    private readonly options: StartEngineOptions,
  ) {}

  async start(): Promise<EngineProcess> {
    const proc = await startEngineProcess(this.config, this.options);
    if (this.closed) {
      await proc.kill();
      throw new EngineGone('the run is closing');
    }
    this.proc = proc;
    this.generation++;
    for (const w of this.waiters.splice(0)) w();
    return proc;
  }

  /** The running engine; waits while it is being restarted. */
  async current(): Promise<EngineProcess> {
    for (;;) {
      if (this.closed) throw new EngineGone('the run is closing');
      const p = this.proc;
      if (p?.alive) return p;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  get alive(): boolean {
    return this.proc?.alive === true;
  }

  /** Runs a command on the current engine, once; EngineGone when it dies before answering. */
  async call<T>(name: string, args: unknown): Promise<T> {
    return (await this.current()).call<T>(name, args);
  }

  /** SIGKILL (a power cut): calls in flight lose their answers. */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p) {
      this.kills++;
      await p.kill();
    }
  }

  /** Ends the current engine cleanly and wakes every waiter with EngineGone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
    const p = this.proc;
    this.proc = null;
    await p?.stop();
  }
}
