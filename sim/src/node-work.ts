import { writeFile } from 'node:fs/promises';
import { tensorRepr, type ImageBatch } from './images';
import { getSaveImagePath, type Folders } from './folder-paths';
import type { PixelJob, PixelResult } from './pixel-jobs';
import { PyError, isDict, keysOf, pyRepr, toPyJson, type Dict } from './py-json';

/**
 * What each node class computes. Model-free nodes produce real pixels; the model nodes
 * produce stand-in handles and a deterministic picture, taking simulated time. Pixel work
 * goes through `ctx.compute` (a worker thread) so the event loop stays free for HTTP and
 * WebSockets while a node computes, as ComfyUI's prompt worker thread leaves aiohttp free.
 */

/** Python `repr` of model objects, as `current_inputs` in execution_error shows them. */
class PyObject {
  constructor(
    readonly pyClass: string,
    readonly id: string,
  ) {}
  toString(): string {
    return `<${this.pyClass} object at 0x7f${this.id.padStart(10, '0')}>`;
  }
}

export class ModelHandle extends PyObject {
  constructor(
    pyClass: string,
    readonly ckpt: string,
  ) {
    super(pyClass, (ckpt.length * 7919 + pyClass.length).toString(16));
  }
}

export class Conditioning {
  constructor(
    readonly text: string,
    readonly ckpt: string,
  ) {}
  toString(): string {
    return "[[tensor([[[...]]]), {'pooled_output': tensor([[...]])}]]";
  }
}

export class Latent {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly batch: number,
    /** Everything that determines the decoded picture. */
    readonly key: string,
  ) {}
  toString(): string {
    return `{'samples': tensor([[[[0., 0., ...]]]]) /* [${this.batch}, 4, ${this.height}, ${this.width}] */}`;
  }
}

export function isImageBatch(v: unknown): v is ImageBatch {
  return Array.isArray(v) && v.length > 0 && (v[0] as { data?: unknown }).data instanceof Float32Array;
}

/** `format_value` from execution.py. */
export function formatValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isImageBatch(v)) return tensorRepr(v);
  if (v instanceof PyObject || v instanceof Conditioning || v instanceof Latent) return v.toString();
  return pyRepr(v);
}

export interface WorkContext {
  nodeId: string;
  promptId: string;
  /** The original graph (hidden input PROMPT). */
  prompt: Dict;
  extraData: Dict;
  folders: Folders;
  latentPreviews: boolean;
  /** Simulated work: `durations[nodeClass] * units / speed` ms. */
  wait(nodeClass: string, units?: number): Promise<void>;
  /** Pixel work off the event loop; rejects with Aborted if the process dies meanwhile. */
  compute<J extends PixelJob>(job: J): Promise<PixelResult<J>>;
  /** The progress-bar hook; throws when the job was interrupted. */
  progress(value: number, total: number, preview?: Buffer): void;
  loadModel(ckpt: string): void;
}

export interface WorkResult {
  outputs: unknown[];
  ui?: Dict;
}

export type NodeWork = (inputs: Dict, ctx: WorkContext) => Promise<WorkResult>;

const PREVIEW_LETTERS = 'abcdefghijklmnopqrstupvxyz';

/** Beyond this many pixels a real GPU runs out of memory; so do we, instead of the test process. */
const MAX_PIXELS = 64 * 1024 * 1024;

function ensureFits(width: number, height: number, batch: number): void {
  if (width * height * batch > MAX_PIXELS) {
    const gib = ((width * height * batch * 3 * 4) / 1024 ** 3).toFixed(2);
    throw new PyError('torch.OutOfMemoryError', `Allocation on device 0 would exceed allowed memory. (out of memory)\nCurrently allocated     : 1.20 GiB\nRequested               : ${gib} GiB`);
  }
}

/** PNG bytes from a worker arrive as a plain Uint8Array; frames are built from Buffers. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function saveImages(images: ImageBatch, prefix: string, dir: string, type: 'output' | 'temp', level: number, ctx: WorkContext): Promise<WorkResult> {
  const first = images[0];
  const path = getSaveImagePath(prefix, dir, first?.width ?? 0, first?.height ?? 0);
  const text: Record<string, string> = { prompt: toPyJson(ctx.prompt) };
  const pnginfo = ctx.extraData['extra_pnginfo'];
  if (isDict(pnginfo)) for (const k of keysOf(pnginfo)) text[k] = toPyJson(pnginfo[k]);
  const results: Dict[] = [];
  let counter = path.counter;
  for (const [batchNumber, image] of images.entries()) {
    const file = `${path.filename.replaceAll('%batch_num%', String(batchNumber))}_${String(counter).padStart(5, '0')}_.png`;
    const png = await ctx.compute({ op: 'png', image, options: { text, level } });
    await writeFile(`${path.fullOutputFolder}/${file}`, png);
    results.push({ filename: file, subfolder: path.subfolder, type });
    counter++;
  }
  return { outputs: [], ui: { images: results } };
}

export const NODE_WORK: Record<string, NodeWork> = {
  async CheckpointLoaderSimple(inputs, ctx) {
    const ckpt = inputs['ckpt_name'] as string;
    await ctx.wait('CheckpointLoaderSimple');
    ctx.loadModel(ckpt);
    return {
      outputs: [
        new ModelHandle('comfy.model_patcher.ModelPatcher', ckpt),
        new ModelHandle('comfy.sd.CLIP', ckpt),
        new ModelHandle('comfy.sd.VAE', ckpt),
      ],
    };
  },

  async CLIPTextEncode(inputs, ctx) {
    await ctx.wait('CLIPTextEncode');
    return { outputs: [new Conditioning(inputs['text'] as string, (inputs['clip'] as ModelHandle).ckpt)] };
  },

  async EmptyLatentImage(inputs, ctx) {
    await ctx.wait('EmptyLatentImage');
    const w = Math.floor((inputs['width'] as number) / 8);
    const h = Math.floor((inputs['height'] as number) / 8);
    return { outputs: [new Latent(w, h, inputs['batch_size'] as number, 'empty')] };
  },

  async KSampler(inputs, ctx) {
    const steps = inputs['steps'] as number;
    const latent = inputs['latent_image'] as Latent;
    const key = [
      (inputs['model'] as ModelHandle).ckpt,
      inputs['seed'],
      steps,
      inputs['cfg'],
      inputs['sampler_name'],
      inputs['scheduler'],
      inputs['denoise'],
      (inputs['positive'] as Conditioning).text,
      (inputs['negative'] as Conditioning).text,
      latent.key,
    ].join('\u0000');
    for (let step = 1; step <= steps; step++) {
      await ctx.wait('KSampler');
      const preview = ctx.latentPreviews
        ? asBuffer(await ctx.compute({ op: 'previewPng', width: latent.width, height: latent.height, key: `${key}#0`, progress: step / steps, options: { level: 1 } }))
        : undefined;
      ctx.progress(step, steps, preview);
    }
    return { outputs: [new Latent(latent.width, latent.height, latent.batch, key)] };
  },

  async VAEDecode(inputs, ctx) {
    await ctx.wait('VAEDecode');
    const latent = inputs['samples'] as Latent;
    ensureFits(latent.width * 8, latent.height * 8, latent.batch);
    const keys = Array.from({ length: latent.batch }, (_, i) => `${latent.key}#${i}`);
    return { outputs: [await ctx.compute({ op: 'synth', width: latent.width * 8, height: latent.height * 8, keys })] };
  },

  async SaveImage(inputs, ctx) {
    await ctx.wait('SaveImage');
    return saveImages(inputs['images'] as ImageBatch, inputs['filename_prefix'] as string, ctx.folders.output, 'output', 4, ctx);
  },

  async PreviewImage(inputs, ctx) {
    await ctx.wait('PreviewImage');
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += PREVIEW_LETTERS[Math.floor(Math.random() * PREVIEW_LETTERS.length)];
    return saveImages(inputs['images'] as ImageBatch, `ComfyUI_temp_${suffix}`, ctx.folders.temp, 'temp', 1, ctx);
  },

  async SaveImageWebsocket(inputs, ctx) {
    await ctx.wait('SaveImageWebsocket');
    const images = inputs['images'] as ImageBatch;
    for (const [step, image] of images.entries()) {
      ctx.progress(step, images.length, asBuffer(await ctx.compute({ op: 'png', image, options: { level: 1 } })));
    }
    return { outputs: [] };
  },

  async EmptyImage(inputs, ctx) {
    await ctx.wait('EmptyImage');
    const [width, height, batch] = [inputs['width'] as number, inputs['height'] as number, inputs['batch_size'] as number];
    ensureFits(width, height, batch);
    return { outputs: [await ctx.compute({ op: 'solid', width, height, color: inputs['color'] as number, batch })] };
  },

  async ImageInvert(inputs, ctx) {
    await ctx.wait('ImageInvert');
    return { outputs: [await ctx.compute({ op: 'invert', images: inputs['image'] as ImageBatch })] };
  },

  async ImageBlur(inputs, ctx) {
    await ctx.wait('ImageBlur');
    const job = { op: 'blur', images: inputs['image'] as ImageBatch, radius: inputs['blur_radius'] as number, sigma: inputs['sigma'] as number } as const;
    return { outputs: [await ctx.compute(job)] };
  },
};
