import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodePng } from '../src/index';
import type { ImageBatch, ImageTensor } from '../src/images';
import { runPixelJob, type PixelJob } from '../src/pixel-jobs';
import { PixelPool, locateWorkerEntry, pixelPool } from '../src/pixel-pool';
import { PyError } from '../src/py-json';
import { WsClient, historyOf, http, submit, until, useSims, type JsonFrame } from './helpers';

const start = useSims();

/** Pools made here send every job to a worker (inlineBelow 0) and are stopped after each test. */
const pools: PixelPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  vi.restoreAllMocks();
});
function threadPool(options: ConstructorParameters<typeof PixelPool>[0] = {}): PixelPool {
  const pool = new PixelPool({ inlineBelow: 0, size: 1, ...options });
  pools.push(pool);
  return pool;
}

const bytes = (x: Uint8Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const flat = (batch: ImageBatch): unknown[] => batch.map((t) => [t.width, t.height, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')]);

describe('pixel pool (issue 12: pixel work off the event loop)', () => {
  it('finds its worker entry next to the sources (started with tsx) and nothing in an empty directory', () => {
    const entry = locateWorkerEntry(join(__dirname, '../src'));
    expect(entry?.file).toBe(join(__dirname, '../src/pixel-worker.ts'));
    expect(entry?.execArgv[0]).toBe('--import');
    const empty = mkdtempSync(join(tmpdir(), 'no-worker-'));
    try {
      expect(locateWorkerEntry(empty)).toBeNull();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('every job computed by a worker is byte-identical to the calling thread; tensors live in shared memory and inputs stay usable', async () => {
    const pool = threadPool();
    const [solid] = await pool.run({ op: 'solid', width: 33, height: 17, color: 0x102030, batch: 1 });
    expect(solid?.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const image = solid as ImageTensor;
    const jobs: PixelJob[] = [
      { op: 'solid', width: 33, height: 17, color: 0x102030, batch: 2 },
      { op: 'invert', images: [image] },
      { op: 'blur', images: [image, image], radius: 4, sigma: 1.5 },
      { op: 'synth', width: 40, height: 24, keys: ['a#0', 'a#1'] },
      { op: 'png', image, options: { level: 4, text: { prompt: '{"1": {}}' } } },
      { op: 'previewPng', width: 16, height: 16, key: 'k', progress: 0.5, options: { level: 1 } },
    ];
    for (const job of jobs) {
      const remote = await pool.run(job);
      const local = runPixelJob(job);
      if (remote instanceof Uint8Array) expect(bytes(remote).equals(bytes(local as Uint8Array))).toBe(true);
      else expect(flat(remote)).toEqual(flat(local as ImageBatch));
    }
    // Nothing was transferred away: the input tensor (as the output cache holds it) is intact.
    expect(image.data.length).toBe(33 * 17 * 3);
    expect(image.data[0]).toBe(Math.fround(0x10 / 0xff));
  });

  it('an exception in the worker comes back as the same PyError (type and message)', async () => {
    const pool = threadPool();
    const job: PixelJob = { op: 'blur', images: runPixelJob({ op: 'solid', width: 20, height: 5, color: 0, batch: 1 }), radius: 5, sigma: 1 };
    const local = (() => {
      try {
        runPixelJob(job);
      } catch (err) {
        return err as PyError;
      }
      throw new Error('expected the padding check to throw');
    })();
    const remote = await pool.run(job).then(
      () => null,
      (err: unknown) => err,
    );
    expect(remote).toBeInstanceOf(PyError);
    expect([(remote as PyError).pyType, (remote as PyError).message]).toEqual([local.pyType, local.message]);
    expect(local.message).toMatch(/^Argument #4: Padding size should be less than the corresponding input dimension/);
  });

  it('aborting a running job stops its worker and drops the result; the pool starts a fresh worker for the next job', async () => {
    const pool = threadPool();
    const big = runPixelJob({ op: 'solid', width: 2048, height: 2048, color: 0x808080, batch: 1 });
    const controller = new AbortController();
    const running = pool.run({ op: 'blur', images: big, radius: 8, sigma: 2 }, controller.signal);
    expect(pool.threads).toBe(1);
    controller.abort(new Error('process died'));
    await expect(running).rejects.toThrow('process died');
    expect(pool.threads).toBe(0);
    const [next] = await pool.run({ op: 'invert', images: runPixelJob({ op: 'solid', width: 4, height: 4, color: 0, batch: 1 }) });
    expect(next?.data[0]).toBe(1);
    // An already aborted signal never reaches a worker.
    await expect(pool.run({ op: 'invert', images: big }, controller.signal)).rejects.toThrow('process died');
  });

  it('without a worker entry, or when the worker cannot start, jobs run on the calling thread after a one-line warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const job: PixelJob = { op: 'png', image: runPixelJob({ op: 'solid', width: 9, height: 9, color: 0xabcdef, batch: 1 })[0] as ImageTensor, options: {} };
    const expected = bytes(runPixelJob(job) as Uint8Array);

    expect(bytes((await threadPool({ entry: null }).run(job)) as Uint8Array).equals(expected)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'bad-worker-'));
    try {
      const broken = join(dir, 'pixel-worker.js');
      writeFileSync(broken, 'throw new Error("cannot load");\n');
      const pool = threadPool({ entry: { file: broken, execArgv: [] } });
      const results = await Promise.all([pool.run(job), pool.run(job)]);
      for (const r of results) expect(bytes(r as Uint8Array).equals(expected)).toBe(true);
      expect(await pool.run(job)).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^comfy-sim: the pixel worker did not start \(.*cannot load.*\); computing pixels on the calling thread$/);
  });
});

describe('the simulator computes through the pool', () => {
  it('a job big enough for the worker saves the same PNG as the calling thread computes', async () => {
    const sim = await start({ durations: { EmptyImage: 1, ImageBlur: 1, ImageInvert: 1, SaveImage: 1 } });
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 320, height: 240, batch_size: 1, color: 0x4080c0 } },
      '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 2, sigma: 1 } },
      '3': { class_type: 'ImageInvert', inputs: { image: ['2', 0] } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'pool' } },
    };
    const { prompt_id } = await submit(sim, { prompt });
    const entry = await historyOf(sim, prompt_id, 30_000);
    const ref = (entry['outputs'] as Record<string, { images: { filename: string }[] }>)['4']?.images[0];
    const saved = decodePng((await http(`${sim.url}/view?filename=${ref?.filename ?? ''}`)).body);

    const solid = runPixelJob({ op: 'solid', width: 320, height: 240, color: 0x4080c0, batch: 1 });
    const [inverted] = runPixelJob({ op: 'invert', images: runPixelJob({ op: 'blur', images: solid, radius: 2, sigma: 1 }) });
    const local = decodePng(bytes(runPixelJob({ op: 'png', image: inverted as ImageTensor, options: {} })));
    expect(Buffer.from(saved.pixels).equals(Buffer.from(local.pixels))).toBe(true);
  });

  it('a PyError thrown in the worker gives the same execution_error as on the calling thread; too many pixels give torch.OutOfMemoryError', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'e');
    const errorOf = async (width: number, radius: number): Promise<Record<string, unknown>> => {
      const prompt = {
        '1': { class_type: 'EmptyImage', inputs: { width, height: 5, batch_size: 1, color: 0 } },
        '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: radius, sigma: 1 } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'e' } },
      };
      const { prompt_id } = await submit(sim, { prompt, client_id: 'e' });
      await ws.waitDone(prompt_id, 30_000);
      return (ws.json().find((f) => f.type === 'execution_error' && f.data['prompt_id'] === prompt_id) as JsonFrame).data;
    };
    const inline = await errorOf(8, 6); // 40 px × 13 taps: computed in place
    const pooled = await errorOf(4000, 6); // 20 000 px × 13 taps: sent to a worker
    expect(pooled['exception_type']).toBe('RuntimeError');
    expect(inline['exception_type']).toBe('RuntimeError');
    const shape = (m: unknown): string => String(m).replace(/, \d+\]/, ', W]');
    expect(shape(pooled['exception_message'])).toBe(shape(inline['exception_message']));

    const oom = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8192, height: 8192, batch_size: 2, color: 0 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'oom' } },
    };
    const { prompt_id } = await submit(sim, { prompt: oom, client_id: 'e' });
    await ws.waitDone(prompt_id);
    const err = (ws.json().find((f) => f.type === 'execution_error' && f.data['prompt_id'] === prompt_id) as JsonFrame).data;
    expect(err['exception_type']).toBe('torch.OutOfMemoryError');
    await ws.close();
  });

  it('a crash while a worker computes: the job ends as error, the worker is stopped, nothing of the job is written, and the restarted server computes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-crash-'));
    try {
      const sim = await start({ dataDir: dir, durations: { EmptyImage: 1, ImageBlur: 1, SaveImage: 1 } });
      const ws = await WsClient.connect(sim.url, 'c');
      const prompt = {
        '1': { class_type: 'EmptyImage', inputs: { width: 2048, height: 2048, batch_size: 1, color: 0x808080 } },
        '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 8, sigma: 2 } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'crashed' } },
      };
      await submit(sim, { prompt, client_id: 'c' });
      await ws.waitFor((f) => f.kind === 'json' && f.type === 'executing' && f.data['node'] === '2', 'the blur starting', 30_000);
      await until(() => pixelPool().busy === 1, 'the blur computing in a worker', 10_000);
      const threads = pixelPool().threads;
      sim.inject({ kind: 'crash' });
      // The blur's worker was stopped at once rather than left computing for a dead process.
      expect([pixelPool().busy, pixelPool().threads]).toEqual([0, threads - 1]);
      await until(() => sim.executions().length === 1, 'the killed job recorded');
      expect(sim.executions().map((e) => e.outcome)).toEqual(['error']);
      await sim.lift('crash');
      const small = { ...prompt, '1': { class_type: 'EmptyImage', inputs: { width: 300, height: 300, batch_size: 1, color: 0x808080 } } };
      const again = await submit(sim, { prompt: small });
      await historyOf(sim, again.prompt_id, 30_000);
      expect(readdirSync(join(dir, 'output'))).toEqual(['crashed_00001_.png']);
      expect(decodePng(readFileSync(join(dir, 'output', 'crashed_00001_.png'))).width).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
