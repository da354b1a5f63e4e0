import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng as simEncodePng } from '../../../../sim/src/png';
import { BoxDownsampler, fitWithin } from './box-downsample';
import { decodePng } from './png-decode';
import { encodePng } from './png-encode';
import { ihdr, PNG_SIGNATURE, pngChunk, readPngStructure } from './png-format';
import { makeThumbnail, type ThumbnailResult } from './thumbnail';

function solid(width: number, height: number, rgba: [number, number, number, number]): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  for (let i = 0; i < px.length; i += 4) px.set(rgba, i);
  return px;
}

function ok(result: ThumbnailResult) {
  if (!result.ok) throw new Error(`expected a thumbnail, got: ${result.reason}`);
  return result;
}

function notOk(result: ThumbnailResult): string {
  if (result.ok) throw new Error('expected no thumbnail');
  return result.reason;
}

describe('fitWithin', () => {
  it('keeps the aspect ratio with the longest side at most the limit and never upscales', () => {
    expect(fitWithin(1024, 1024, 256)).toEqual({ width: 256, height: 256 });
    expect(fitWithin(1000, 500, 256)).toEqual({ width: 256, height: 128 });
    expect(fitWithin(512, 1536, 256)).toEqual({ width: 85, height: 256 });
    expect(fitWithin(10, 20, 256)).toEqual({ width: 10, height: 20 });
    expect(fitWithin(10_000, 1, 256)).toEqual({ width: 256, height: 1 });
  });
});

describe('BoxDownsampler', () => {
  it('averages each block of source pixels', () => {
    // 4×2 → 2×1: left block (red, blue / red, blue) averages to purple; right block is white.
    const rows = [
      [255, 0, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255],
      [255, 0, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255],
    ];
    const d = new BoxDownsampler(4, 2, 2, 1);
    rows.forEach((r, y) => d.addRow(Uint8Array.from(r), y));
    expect([...d.result()]).toEqual([128, 0, 128, 255, 255, 255, 255, 255]);
  });

  it('weights colour by alpha, so transparent black does not darken the visible part', () => {
    const d = new BoxDownsampler(2, 1, 1, 1);
    d.addRow(Uint8Array.from([200, 100, 50, 255, 0, 0, 0, 0]), 0);
    expect([...d.result()]).toEqual([200, 100, 50, 128]);
  });

  it('refuses rows out of order and results before the last row', () => {
    const d = new BoxDownsampler(2, 2, 1, 1);
    expect(() => d.addRow(new Uint8Array(8), 1)).toThrow(RangeError);
    d.addRow(new Uint8Array(8), 0);
    expect(() => d.result()).toThrow(RangeError);
  });
});

describe('makeThumbnail', () => {
  it('a 1024×1024 PNG becomes a 256×256 RGB PNG of the same picture', async () => {
    // Four quadrants of different colours survive the downsampling exactly.
    const w = 1024;
    const px = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        const q = (y < w / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
        px.set([[255, 0, 0], [0, 255, 0], [0, 0, 255], [250, 250, 250]][q]!, (y * w + x) * 3);
      }
    }
    const t = ok(await makeThumbnail(simEncodePng({ width: w, height: w, channels: 3, pixels: px }, { text: { prompt: '{}' } })));
    expect({ width: t.width, height: t.height, sourceWidth: t.sourceWidth, sourceHeight: t.sourceHeight }).toEqual({ width: 256, height: 256, sourceWidth: 1024, sourceHeight: 1024 });
    expect(readPngStructure(t.png).header.colorType).toBe(2);
    const img = decodePng(t.png);
    const at = (x: number, y: number) => [...img.pixels.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4)];
    expect([at(10, 10), at(200, 10), at(10, 200), at(200, 200)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [250, 250, 250, 255],
    ]);
    // No source metadata (ComfyUI's embedded workflow) is carried over.
    expect(t.png.includes('tEXt')).toBe(false);
  });

  it('keeps the aspect ratio of wide and tall images', async () => {
    for (const [w, h, tw, th] of [
      [600, 200, 256, 85],
      [90, 700, 33, 256],
    ] as const) {
      const t = ok(await makeThumbnail(encodePng({ width: w, height: h, channels: 4, pixels: solid(w, h, [1, 2, 3, 255]) })));
      expect([t.width, t.height]).toEqual([tw, th]);
      expect(decodePng(t.png)).toMatchObject({ width: tw, height: th });
    }
  });

  it('a small image keeps its size; an image with alpha gets an RGBA thumbnail', async () => {
    const t = ok(await makeThumbnail(encodePng({ width: 10, height: 20, channels: 4, pixels: solid(10, 20, [9, 8, 7, 100]) })));
    expect([t.width, t.height]).toEqual([10, 20]);
    expect(readPngStructure(t.png).header.colorType).toBe(6);
    expect([...decodePng(t.png).pixels.subarray(0, 4)]).toEqual([9, 8, 7, 100]);
  });

  it('honours a custom size', async () => {
    const t = ok(await makeThumbnail(encodePng({ width: 300, height: 300, channels: 3, pixels: new Uint8Array(300 * 300 * 3) }), { maxSide: 64 }));
    expect([t.width, t.height]).toEqual([64, 64]);
  });

  it('other formats get no thumbnail, and the reason names the format', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
    expect(notOk(await makeThumbnail(jpeg))).toBe('image/jpeg is not decoded; only PNG gets a thumbnail');
    expect(notOk(await makeThumbnail(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')))).toMatch(/^image\/webp is not decoded/);
    expect(notOk(await makeThumbnail(Buffer.from('GIF89a')))).toMatch(/^image\/gif is not decoded/);
    expect(notOk(await makeThumbnail(Buffer.from('<html>')))).toMatch(/^application\/octet-stream is not decoded/);
    expect(notOk(await makeThumbnail(new Uint8Array(0)))).toMatch(/^application\/octet-stream/);
  });

  it('corrupt, truncated, bomb and unsupported PNGs give a reason, never a throw', async () => {
    const good = encodePng({ width: 8, height: 8, channels: 3, pixels: new Uint8Array(192) });
    const badCrc = Buffer.from(good);
    badCrc[good.length - 20]! ^= 0xff;
    expect(notOk(await makeThumbnail(badCrc))).toMatch(/^PNG not decoded: corrupt: bad CRC in chunk IDAT$/);
    expect(notOk(await makeThumbnail(good.subarray(0, good.length - 5)))).toMatch(/^PNG not decoded: truncated/);

    const huge = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 20_000, height: 20_000, bitDepth: 8, colorType: 6 }), pngChunk('IDAT', deflateSync(Buffer.alloc(10))), pngChunk('IEND', new Uint8Array(0))]);
    expect(notOk(await makeThumbnail(huge))).toMatch(/^PNG not decoded: too large: 20000×20000 is over the 67108864-pixel limit$/);
    expect(notOk(await makeThumbnail(good, { maxPixels: 10 }))).toMatch(/too large: 8×8 is over the 10-pixel limit/);

    // Declares 2×2, inflates to 32 MiB.
    const dataBomb = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 2, height: 2, bitDepth: 8, colorType: 2 }), pngChunk('IDAT', deflateSync(Buffer.alloc(32 * 1024 * 1024))), pngChunk('IEND', new Uint8Array(0))]);
    expect(notOk(await makeThumbnail(dataBomb))).toBe('PNG not decoded: corrupt: more image data than the header declares');

    const sixteen = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 1, height: 1, bitDepth: 16, colorType: 6 }), pngChunk('IDAT', deflateSync(Buffer.alloc(9))), pngChunk('IEND', new Uint8Array(0))]);
    expect(notOk(await makeThumbnail(sixteen))).toBe('PNG not decoded: unsupported: 16-bit RGBA PNGs are not decoded');

    const garbageStream = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 2, height: 2, bitDepth: 8, colorType: 2 }), pngChunk('IDAT', Buffer.from('not zlib at all')), pngChunk('IEND', new Uint8Array(0))]);
    expect(notOk(await makeThumbnail(garbageStream))).toMatch(/^PNG not decoded: corrupt: image data does not inflate/);
  });
});
