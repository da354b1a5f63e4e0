import { BoxDownsampler, fitWithin } from './box-downsample';
import { decodePngRows } from './png-decode';
import { encodePng } from './png-encode';
import type { PngLimits } from './png-format';
import { DEFAULT_PNG_LIMITS, hasAlpha, isPng } from './png-format';
import { sniffContentType } from './sniff-type';

export interface ThumbnailOptions {
  /** Longest side of the thumbnail in pixels (default 256). Smaller images keep their size. */
  maxSide?: number;
  /** Source images over this many pixels get no thumbnail (default 64 Mpx). */
  maxPixels?: number;
  /** Source images wider than this get no thumbnail (default 65 536 px). */
  maxWidth?: number;
}

export const DEFAULT_THUMBNAIL_SIDE = 256;

export type ThumbnailResult =
  | { ok: true; png: Buffer; width: number; height: number; sourceWidth: number; sourceHeight: number }
  /** No thumbnail, and why, e.g. `image/jpeg is not decoded; only PNG gets a thumbnail`. */
  | { ok: false; reason: string };

/**
 * A small PNG preview of a PNG output (U3), made without an image library: decode row by row,
 * box-downsample, encode RGB (or RGBA when the source can be transparent). Other formats get
 * no thumbnail; the UI shows the original instead when it is small. Never throws: corrupt,
 * truncated, oversized or unsupported files come back as `{ ok: false, reason }`. Metadata of
 * the source (ComfyUI embeds the whole workflow as text) is not carried over.
 */
export async function makeThumbnail(bytes: Uint8Array, options: ThumbnailOptions = {}): Promise<ThumbnailResult> {
  if (!isPng(bytes)) return { ok: false, reason: `${sniffContentType(bytes)} is not decoded; only PNG gets a thumbnail` };
  const maxSide = Math.max(1, Math.floor(options.maxSide ?? DEFAULT_THUMBNAIL_SIDE));
  const limits: PngLimits = {
    maxPixels: options.maxPixels ?? DEFAULT_PNG_LIMITS.maxPixels,
    maxWidth: options.maxWidth ?? DEFAULT_PNG_LIMITS.maxWidth,
  };
  try {
    let sampler: BoxDownsampler | null = null;
    const structure = await decodePngRows(
      bytes,
      {
        header: ({ header }) => {
          const size = fitWithin(header.width, header.height, maxSide);
          sampler = new BoxDownsampler(header.width, header.height, size.width, size.height);
        },
        row: (rgba, y) => sampler?.addRow(rgba, y),
      },
      limits,
    );
    // Assigned in the header callback, which TypeScript cannot see.
    const done = sampler as BoxDownsampler | null;
    if (done === null) return { ok: false, reason: 'PNG not decoded: no header' };
    const rgba = done.result();
    const alpha = hasAlpha(structure);
    const png = encodePng({ width: done.width, height: done.height, channels: alpha ? 4 : 3, pixels: alpha ? rgba : dropAlpha(rgba) });
    return { ok: true, png, width: done.width, height: done.height, sourceWidth: structure.header.width, sourceHeight: structure.header.height };
  } catch (err) {
    return { ok: false, reason: `PNG not decoded: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
    rgb[d] = rgba[s] as number;
    rgb[d + 1] = rgba[s + 1] as number;
    rgb[d + 2] = rgba[s + 2] as number;
  }
  return rgb;
}
