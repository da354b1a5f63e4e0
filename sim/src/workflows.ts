/**
 * Ready-to-submit API-format workflows for tests, demos and benchmarks. Node ids follow
 * ComfyUI's default graph (3 = KSampler … 9 = SaveImage) and the doc's simple job (1-2-3).
 */

export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title: string };
}

export type ApiWorkflow = Record<string, ApiNode>;

export type ImageOutputNode = 'SaveImage' | 'PreviewImage' | 'SaveImageWebsocket';

function outputNode(kind: ImageOutputNode, images: [string, number], filenamePrefix: string): ApiNode {
  if (kind === 'SaveImage') return { class_type: 'SaveImage', inputs: { filename_prefix: filenamePrefix, images } };
  return { class_type: kind, inputs: { images } };
}

export interface Txt2ImgOptions {
  /** Default 20. */
  steps?: number;
  /** Default 0. */
  seed?: number;
  /** Default 512. */
  width?: number;
  /** Default 512. */
  height?: number;
  batchSize?: number;
  /** Default 'sd15.safetensors'. */
  ckpt?: string;
  positive?: string;
  negative?: string;
  cfg?: number;
  samplerName?: string;
  scheduler?: string;
  denoise?: number;
  /** Default 'ComfyUI'. */
  filenamePrefix?: string;
  /** Default 'SaveImage'. */
  output?: ImageOutputNode;
}

/** CheckpointLoaderSimple → 2×CLIPTextEncode → EmptyLatentImage → KSampler → VAEDecode → SaveImage. */
export function txt2imgWorkflow(o: Txt2ImgOptions = {}): ApiWorkflow {
  return {
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: o.seed ?? 0,
        steps: o.steps ?? 20,
        cfg: o.cfg ?? 8,
        sampler_name: o.samplerName ?? 'euler',
        scheduler: o.scheduler ?? 'normal',
        denoise: o.denoise ?? 1,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: o.ckpt ?? 'sd15.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: o.width ?? 512, height: o.height ?? 512, batch_size: o.batchSize ?? 1 } },
    '6': {
      class_type: 'CLIPTextEncode',
      inputs: { text: o.positive ?? 'beautiful scenery nature glass bottle landscape, purple galaxy bottle,', clip: ['4', 1] },
    },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: o.negative ?? 'text, watermark', clip: ['4', 1] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': outputNode(o.output ?? 'SaveImage', ['8', 0], o.filenamePrefix ?? 'ComfyUI'),
  };
}

export interface ModelFreeOptions {
  /** Default 64. */
  width?: number;
  /** Default 64. */
  height?: number;
  /** 0xRRGGBB; default derived from `seed` (0 when no seed). */
  color?: number;
  /** Varies the colour, so jobs with different seeds are different work (no cache hits between them). */
  seed?: number;
  batchSize?: number;
  /** Default 'ComfyUI'. */
  filenamePrefix?: string;
  /** Default 'SaveImage'. */
  output?: ImageOutputNode;
}

/** The model-free job of the doc's §3: EmptyImage (1) → ImageInvert (2) → SaveImage (3). */
export function modelFreeWorkflow(o: ModelFreeOptions = {}): ApiWorkflow {
  const color = o.color ?? (Math.imul(Math.trunc(o.seed ?? 0), 0x9e3779b1) >>> 0) % 0x1000000;
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: o.width ?? 64, height: o.height ?? 64, batch_size: o.batchSize ?? 1, color } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': outputNode(o.output ?? 'SaveImage', ['2', 0], o.filenamePrefix ?? 'ComfyUI'),
  };
}
