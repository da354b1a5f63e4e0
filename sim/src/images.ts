import { PyError } from './py-json';
import type { RasterImage } from './png';
import { mulberry32 } from './prng';

/**
 * Pixels as ComfyUI holds them: float32 RGB in [0, 1], one entry per batch item. The
 * arithmetic mirrors the torch code (float32 rounding, `255. * x` then truncation to uint8),
 * so a solid colour inverted and saved comes out byte-identical to a real server.
 */

export interface ImageTensor {
  width: number;
  height: number;
  /** `width * height * 3`, row-major RGB. */
  data: Float32Array;
}

/** ComfyUI's IMAGE type: a batch. */
export type ImageBatch = ImageTensor[];

/**
 * Tensor storage lives in shared memory: tensors cross to and from the pixel workers
 * (pixel-pool.ts) without a copy, and posting one never detaches a buffer that the output
 * cache still holds.
 */
export function tensorData(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

export function solidImage(width: number, height: number, color: number): ImageTensor {
  const r = Math.fround(((color >> 16) & 0xff) / 0xff);
  const g = Math.fround(((color >> 8) & 0xff) / 0xff);
  const b = Math.fround((color & 0xff) / 0xff);
  const data = tensorData(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
  return { width, height, data };
}

export function invertImage(img: ImageTensor): ImageTensor {
  const data = tensorData(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 1 - (img.data[i] as number);
  return { width: img.width, height: img.height, data };
}

function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** comfy_extras `Blur`: gaussian kernel over linspace(-1, 1), reflect padding. */
export function blurImages(batch: ImageBatch, radius: number, sigma: number): ImageBatch {
  if (radius === 0) return batch;
  const size = radius * 2 + 1;
  const g1: number[] = [];
  for (let i = 0; i < size; i++) {
    const x = -1 + (2 * i) / (size - 1);
    g1.push(Math.exp(-(x * x) / (2 * sigma * sigma)));
  }
  const sum1 = g1.reduce((a, b) => a + b, 0);
  const k = g1.map((v) => v / sum1);
  return batch.map((img) => {
    const { width: w, height: h } = img;
    if (radius >= w || radius >= h) {
      const dim = radius >= w ? 3 : 2;
      throw new PyError(
        'RuntimeError',
        `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${radius}, ${radius}) at dimension ${dim} of input [${batch.length}, 3, ${h}, ${w}]`,
      );
    }
    const tmp = new Float64Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          for (let t = 0; t < size; t++) acc += (k[t] as number) * (img.data[(y * w + reflect(x + t - radius, w)) * 3 + c] as number);
          tmp[(y * w + x) * 3 + c] = acc;
        }
      }
    }
    const data = tensorData(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          for (let t = 0; t < size; t++) acc += (k[t] as number) * (tmp[(reflect(y + t - radius, h) * w + x) * 3 + c] as number);
          data[(y * w + x) * 3 + c] = acc;
        }
      }
    }
    return { width: w, height: h, data };
  });
}

/** `np.clip(255. * image, 0, 255).astype(np.uint8)`. */
export function toRaster(img: ImageTensor): RasterImage {
  const pixels = new Uint8Array(img.data.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.fround(255 * (img.data[i] as number));
    pixels[i] = v <= 0 || Number.isNaN(v) ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return { width: img.width, height: img.height, channels: 3, pixels };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The "generated" picture: a gradient sky with soft discs, fully determined by `key`
 * (seed, prompts, model...). Coordinates are normalised so the same key gives the same
 * picture at preview (latent) size and at full size. `progress < 1` mixes in noise the way
 * sampler previews sharpen over the steps.
 */
export function synthPicture(width: number, height: number, key: string, progress = 1): ImageTensor {
  const rnd = mulberry32(fnv1a(key));
  const colour = (): [number, number, number] => [rnd(), rnd(), rnd()];
  const top = colour();
  const bottom = colour();
  const discs = Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => ({
    cx: rnd(),
    cy: rnd(),
    r: 0.08 + rnd() * 0.25,
    c: colour(),
  }));
  const noise = mulberry32(fnv1a(key + '#noise'));
  const data = tensorData(width * height * 3);
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? y / (height - 1) : 0;
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0;
      const px: [number, number, number] = [0, 0, 0];
      for (let c = 0; c < 3; c++) px[c] = (top[c] as number) * (1 - v) + (bottom[c] as number) * v;
      for (const d of discs) {
        const dist = Math.hypot(u - d.cx, v - d.cy);
        const alpha = Math.min(1, Math.max(0, (d.r - dist) / 0.02));
        if (alpha > 0) for (let c = 0; c < 3; c++) px[c] = (px[c] as number) * (1 - alpha) + (d.c[c] as number) * alpha;
      }
      for (let c = 0; c < 3; c++) {
        const clean = px[c] as number;
        data[(y * width + x) * 3 + c] = progress >= 1 ? clean : clean * progress + noise() * (1 - progress);
      }
    }
  }
  return { width, height, data };
}

/** A short `str(tensor)` for `current_inputs` in execution_error. */
export function tensorRepr(batch: ImageBatch): string {
  const first = batch[0];
  if (!first) return 'tensor([])';
  const px = Array.from(first.data.subarray(0, 3), (v) => v.toFixed(4)).join(', ');
  return `tensor([[[[${px}],\n          ...,\n          [${px}]]]])`;
}
