import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ComfyProcess } from './comfy-process';
import { FaultState, type Fault, type FaultKind } from './faults';
import type { Folders } from './folder-paths';
import { HttpFront } from './http-server';
import { DEFAULT_MODELS, nodeCatalogue } from './nodes';
import type { ExecutionRecord } from './worker';
import type { WorkSite } from './executor';

/**
 * `startSim`: one simulated ComfyUI server on 127.0.0.1, with fault injection and
 * observation hooks for tests, demos and benchmarks.
 */

export interface SimOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default `sim-${port}`. */
  name?: string;
  /** Speed factor, default 1; 2 halves every duration. */
  speed?: number;
  /** Checkpoints offered (CheckpointLoaderSimple `ckpt_name`); default ['sd15.safetensors', 'sdxl.safetensors']. */
  models?: string[];
  /** ms per node class at speed 1 (KSampler: ms per step); merged over {@link DEFAULT_DURATIONS}. */
  durations?: Partial<Record<string, number>>;
  /** Where output/input/temp images live; default a fresh temp dir removed on close. */
  dataDir?: string;
  /** KSampler sends a binary preview frame per step; default false (ComfyUI's default preview method is none). */
  latentPreviews?: boolean;
  /**
   * Test hook, called at every simulated wait (once per node, once per KSampler step) after
   * its duration: the node goes on only when the returned promise resolves. Lets a test hold
   * a job at a known node instead of racing a timer. A crash or close still ends the wait.
   */
  workGate?: (at: WorkSite) => Promise<void> | void;
}

export type { ExecutionRecord } from './worker';
export type { WorkSite } from './executor';
export type { Fault, FaultKind } from './faults';

export interface SimServer {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** Several kinds may be active at once; injecting a kind again replaces it. */
  inject(fault: Fault): void;
  /** Lifts one kind, or all. Lifting `crash` restarts the server on the same port. */
  lift(kind?: FaultKind): Promise<void>;
  activeFaults(): Fault[];
  /** Terminates every WebSocket abruptly (clients see 1006); the server keeps running. */
  dropSockets(code?: 1006): void;
  /** The worker stops popping jobs (a running job finishes). */
  pauseWorker(): void;
  resumeWorker(): void;
  /** Every job that started executing, in order, recorded when it ends (a job killed by a crash ends as 'error'). */
  executions(): ExecutionRecord[];
  queueDepth(): { running: number; pending: number };
  /** Open WebSocket connections (registered or orphaned by the reconnect pitfall). */
  wsClientCount(): number;
  /** Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_DURATIONS: Readonly<Record<string, number>> = {
  CheckpointLoaderSimple: 150,
  CLIPTextEncode: 20,
  EmptyLatentImage: 5,
  KSampler: 40,
  VAEDecode: 60,
  SaveImage: 10,
  PreviewImage: 8,
  SaveImageWebsocket: 8,
  EmptyImage: 5,
  ImageInvert: 5,
  ImageBlur: 10,
};

class Sim implements SimServer {
  private readonly faults = new FaultState();
  private readonly front: HttpFront;
  private proc: ComfyProcess;
  private readonly records: ExecutionRecord[] = [];
  private paused = false;
  private listeningPort = 0;
  private crashing: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private readonly durations: Record<string, number>;

  constructor(
    private readonly options: Required<Pick<SimOptions, 'host' | 'speed' | 'models' | 'latentPreviews'>> & Pick<SimOptions, 'name' | 'workGate'>,
    private readonly folders: Folders,
    private readonly ownedDataDir: string | null,
    durations: Partial<Record<string, number>>,
  ) {
    this.durations = { ...DEFAULT_DURATIONS };
    for (const [k, v] of Object.entries(durations)) if (v !== undefined) this.durations[k] = v;
    this.proc = this.spawn();
    this.front = new HttpFront({ process: () => this.proc, faults: this.faults, port: () => this.listeningPort });
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `http://${this.options.host}:${this.listeningPort}`;
  }

  get name(): string {
    return this.options.name ?? `sim-${this.listeningPort}`;
  }

  async start(port: number): Promise<void> {
    this.listeningPort = await this.front.listen(port, this.options.host);
  }

  private spawn(): ComfyProcess {
    const proc = new ComfyProcess({
      catalogue: nodeCatalogue(this.options.models),
      folders: this.folders,
      latentPreviews: this.options.latentPreviews,
      workMs: (nodeClass, units) => ((this.durations[nodeClass] ?? 5) * units) / this.options.speed,
      record: (rec) => this.records.push(rec),
      stalled: () => this.faults.has('stall'),
      workGate: this.options.workGate,
    });
    if (this.paused) proc.worker.pause();
    return proc;
  }

  inject(fault: Fault): void {
    if (this.closing) return;
    this.faults.inject(fault);
    if (fault.kind === 'crash' && !this.crashing) {
      this.proc.kill();
      this.crashing = this.front.shutdown();
    }
  }

  async lift(kind?: FaultKind): Promise<void> {
    const removed = this.faults.lift(kind);
    if (removed.some((f) => f.kind === 'hang')) this.front.dropHeld();
    if (removed.some((f) => f.kind === 'crash') && this.crashing && !this.closing) {
      await this.crashing;
      this.crashing = null;
      // A restart empties the temp folder, as ComfyUI does at start-up.
      rmSync(this.folders.temp, { recursive: true, force: true });
      mkdirSync(this.folders.temp, { recursive: true });
      this.proc = this.spawn();
      await this.front.listen(this.listeningPort, this.options.host);
    }
  }

  activeFaults(): Fault[] {
    return this.faults.list();
  }

  dropSockets(): void {
    this.proc.hub.terminateAll();
  }

  pauseWorker(): void {
    this.paused = true;
    this.proc.worker.pause();
  }

  resumeWorker(): void {
    this.paused = false;
    this.proc.worker.resume();
  }

  executions(): ExecutionRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  queueDepth(): { running: number; pending: number } {
    if (this.crashing) return { running: 0, pending: 0 };
    const q = this.proc.queue;
    return { running: q.runningItems().length, pending: q.pendingCount() };
  }

  wsClientCount(): number {
    return this.proc.hub.connectionCount();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.proc.kill();
      await this.front.shutdown();
      if (this.crashing) await this.crashing;
      if (this.ownedDataDir) rmSync(this.ownedDataDir, { recursive: true, force: true });
    })();
    return this.closing;
  }
}

export async function startSim(options: SimOptions = {}): Promise<SimServer> {
  const ownedDataDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'comfy-sim-')) : null;
  const base = resolve(options.dataDir ?? (ownedDataDir as string));
  const folders: Folders = { output: join(base, 'output'), input: join(base, 'input'), temp: join(base, 'temp') };
  for (const dir of Object.values(folders)) mkdirSync(dir, { recursive: true });
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  const sim = new Sim(
    {
      host: options.host ?? '127.0.0.1',
      speed,
      models: options.models ?? [...DEFAULT_MODELS],
      latentPreviews: options.latentPreviews ?? false,
      name: options.name,
      workGate: options.workGate,
    },
    folders,
    ownedDataDir,
    options.durations ?? {},
  );
  try {
    await sim.start(options.port ?? 0);
  } catch (err) {
    await sim.close();
    throw err;
  }
  return sim;
}
