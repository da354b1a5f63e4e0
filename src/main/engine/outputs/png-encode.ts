import { deflateSync } from 'node:zlib';
import type { PngFilter } from './png-filters';
import { filterScanline } from './png-filters';
import { ihdr, PNG_SIGNATURE, pngChunk } from './png-format';

export interface RasterImage {
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA. */
  channels: 3 | 4;
  /** Row-major, `channels` bytes per pixel. */
  pixels: Uint8Array;
}

export interface EncodeOptions {
  /**
   * One filter for every row, or `adaptive`: per row, the filter whose output has the smallest
   * sum of absolute values (libpng's heuristic; usually the smallest file). Default adaptive.
   */
  filter?: PngFilter | 'adaptive';
  /** zlib level, default 6. */
  level?: number;
}

/** A minimal 8-bit RGB/RGBA PNG: IHDR, one IDAT, IEND; no metadata is carried over. */
export function encodePng(image: RasterImage, options: EncodeOptions = {}): Buffer {
  const { width, height, channels, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`cannot encode a ${width}×${height} image`);
  const stride = width * channels;
  if (pixels.length !== stride * height) throw new RangeError(`expected ${stride * height} bytes of pixels, got ${pixels.length}`);
  const choice = options.filter ?? 'adaptive';

  const raw = Buffer.alloc((stride + 1) * height);
  let prev: Uint8Array = new Uint8Array(stride);
  const candidates = choice === 'adaptive' ? FILTERS.map(() => new Uint8Array(stride)) : [];
  for (let y = 0; y < height; y++) {
    const line = pixels.subarray(y * stride, (y + 1) * stride);
    const at = y * (stride + 1);
    let filter: PngFilter;
    if (choice === 'adaptive') {
      let best = Infinity;
      filter = 0;
      for (const f of FILTERS) {
        const out = candidates[f] as Uint8Array;
        filterScanline(f, line, prev, channels, out);
        const cost = signedSum(out);
        if (cost < best) {
          best = cost;
          filter = f;
        }
      }
      raw.set(candidates[filter] as Uint8Array, at + 1);
    } else {
      filter = choice;
      filterScanline(filter, line, prev, channels, raw.subarray(at + 1, at + 1 + stride));
    }
    raw[at] = filter;
    prev = line;
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    ihdr({ width, height, bitDepth: 8, colorType: channels === 4 ? 6 : 2 }),
    pngChunk('IDAT', deflateSync(raw, { level: options.level ?? 6 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

const FILTERS: readonly PngFilter[] = [0, 1, 2, 3, 4];

/** Filtered bytes read as signed deltas: small magnitudes compress well. */
function signedSum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    const v = b[i] as number;
    s += v < 128 ? v : 256 - v;
  }
  return s;
}
