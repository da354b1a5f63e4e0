import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng as simDecodePng, encodePng as simEncodePng } from '../../../../sim/src/png';
import { decodePng, decodePngRows } from './png-decode';
import { encodePng } from './png-encode';
import type { PngColorType } from './png-format';
import { ihdr, PNG_SIGNATURE, PngError, pngChunk } from './png-format';

// ---------------------------------------------------------------- test-side PNG builder
// Written straight from the spec and independent of the decoder's optimised loops, so a
// shared misunderstanding cannot make both sides agree.

function refPaeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function refFilter(filter: number, line: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? line[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const pred = [0, a, b, Math.floor((a + b) / 2), refPaeth(a, b, c)][filter]!;
    out[i] = (line[i]! - pred + 256) % 256;
  }
  return out;
}

interface BuildSpec {
  width: number;
  height: number;
  colorType: PngColorType;
  bitDepth: number;
  /** Samples per row, unpacked (one number per sample). */
  samples: number[][];
  filters?: number[];
  palette?: number[];
  trns?: number[];
  interlace?: number;
}

function pack(samples: number[], depth: number): Uint8Array {
  if (depth === 8) return Uint8Array.from(samples);
  const out = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((s, i) => {
    const bit = i * depth;
    out[bit >> 3]! |= s << (8 - depth - (bit & 7));
  });
  return out;
}

function buildPng(spec: BuildSpec): Buffer {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType];
  const bpp = Math.max(1, (channels * spec.bitDepth) >> 3);
  const rows = spec.samples.map((r) => pack(r, spec.bitDepth));
  let prev: Uint8Array = new Uint8Array(rows[0]!.length);
  const raw: number[] = [];
  rows.forEach((row, y) => {
    const f = spec.filters?.[y % spec.filters.length] ?? 0;
    raw.push(f, ...refFilter(f, row, prev, bpp));
    prev = row;
  });
  const head = ihdr({ width: spec.width, height: spec.height, bitDepth: spec.bitDepth, colorType: spec.colorType });
  if (spec.interlace) {
    head[8 + 12] = spec.interlace;
    head.writeUInt32BE(crcOf(head.subarray(4, 21)), 21);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    head,
    ...(spec.palette ? [pngChunk('PLTE', Uint8Array.from(spec.palette))] : []),
    ...(spec.trns ? [pngChunk('tRNS', Uint8Array.from(spec.trns))] : []),
    pngChunk('tEXt', Buffer.from('prompt\0{"3":{}}', 'latin1')),
    pngChunk('IDAT', deflateSync(Uint8Array.from(raw))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** CRC-32 as PNG defines it, bit by bit (not the zlib one the code under test uses). */
function crcOf(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PngError);
    return (err as Error).message;
  }
  throw new Error('expected a PngError');
}

// ---------------------------------------------------------------- tests

describe('PNG decode: filter types', () => {
  for (const filter of [0, 1, 2, 3, 4]) {
    it(`filter ${filter} on every row decodes RGB and RGBA exactly`, () => {
      // Random bytes, and a smooth ramp with repeats, whose ties exercise Paeth's tie-break order.
      const ramp = (n: number) => Uint8Array.from({ length: n }, (_, i) => (Math.floor(i / 5) * 3 + (i % 7)) & 0xff);
      for (const [channels, pixelsOf] of [
        [3, (n: number) => randomBytes(n, filter * 10 + 3)],
        [4, (n: number) => randomBytes(n, filter * 10 + 4)],
        [3, ramp],
        [4, ramp],
      ] as const) {
        const width = 31;
        const height = 17;
        const pixels = pixelsOf(width * height * channels);
        const rows = Array.from({ length: height }, (_, y) => [...pixels.subarray(y * width * channels, (y + 1) * width * channels)]);
        const png = buildPng({ width, height, colorType: channels === 4 ? 6 : 2, bitDepth: 8, samples: rows, filters: [filter] });
        const img = decodePng(png);
        const expected = new Uint8Array(width * height * 4);
        for (let p = 0; p < width * height; p++) {
          for (let c = 0; c < 3; c++) expected[p * 4 + c] = pixels[p * channels + c]!;
          expected[p * 4 + 3] = channels === 4 ? pixels[p * 4 + 3]! : 255;
        }
        expect(img).toEqual({ width, height, pixels: expected });
      }
    });
  }

  it('mixed filters row by row, including sub-byte grey where bpp is 1', () => {
    const samples = Array.from({ length: 10 }, (_, y) => Array.from({ length: 9 }, (_, x) => (x * 7 + y * 3) % 4));
    const png = buildPng({ width: 9, height: 10, colorType: 0, bitDepth: 2, samples, filters: [4, 3, 2, 1, 0] });
    const img = decodePng(png);
    const grey = samples.flat().map((s) => Math.round((s * 255) / 3));
    expect([...img.pixels]).toEqual(grey.flatMap((v) => [v, v, v, 255]));
  });

  it('an unknown filter type is refused with the row named', () => {
    const png = buildPng({ width: 2, height: 2, colorType: 2, bitDepth: 8, samples: [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]] });
    const raw = Buffer.from([0, 1, 2, 3, 4, 5, 6, 9, 1, 2, 3, 4, 5, 6]);
    const bad = Buffer.concat([png.subarray(0, 33), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
    expect(reason(() => decodePng(bad))).toMatch(/unknown filter type 9 in row 1/);
  });
});

describe('PNG decode: colour types', () => {
  it('grey at 1, 2, 4 and 8 bits scales to 0…255', () => {
    for (const depth of [1, 2, 4, 8]) {
      const max = (1 << depth) - 1;
      const samples = [Array.from({ length: 11 }, (_, x) => (x * 5) % (max + 1)), Array.from({ length: 11 }, (_, x) => max - ((x * 3) % (max + 1)))];
      const img = decodePng(buildPng({ width: 11, height: 2, colorType: 0, bitDepth: depth, samples, filters: [1, 4] }));
      const grey = samples.flat().map((s) => Math.round((s * 255) / max));
      expect([...img.pixels], `depth ${depth}`).toEqual(grey.flatMap((v) => [v, v, v, 255]));
    }
  });

  it('grey with a tRNS key makes that sample transparent', () => {
    const img = decodePng(buildPng({ width: 3, height: 1, colorType: 0, bitDepth: 8, samples: [[10, 20, 30]], trns: [0, 20] }));
    expect([...img.pixels]).toEqual([10, 10, 10, 255, 20, 20, 20, 0, 30, 30, 30, 255]);
  });

  it('grey + alpha', () => {
    const img = decodePng(buildPng({ width: 2, height: 1, colorType: 4, bitDepth: 8, samples: [[100, 50, 200, 255]], filters: [3] }));
    expect([...img.pixels]).toEqual([100, 100, 100, 50, 200, 200, 200, 255]);
  });

  it('RGB with a tRNS key', () => {
    const img = decodePng(buildPng({ width: 2, height: 1, colorType: 2, bitDepth: 8, samples: [[1, 2, 3, 4, 5, 6]], trns: [0, 4, 0, 5, 0, 6] }));
    expect([...img.pixels]).toEqual([1, 2, 3, 255, 4, 5, 6, 0]);
  });

  it('palette at 1, 2, 4 and 8 bits, with tRNS alpha for the first entries', () => {
    const palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9];
    for (const depth of [1, 2, 4, 8]) {
      const entries = Math.min(4, 1 << depth);
      const samples = [Array.from({ length: 13 }, (_, x) => x % entries), Array.from({ length: 13 }, (_, x) => (x * 3) % entries)];
      const img = decodePng(buildPng({ width: 13, height: 2, colorType: 3, bitDepth: depth, samples, palette: palette.slice(0, entries * 3), trns: [128], filters: [2, 1] }));
      const expected = samples.flat().flatMap((i) => [...palette.slice(i * 3, i * 3 + 3), i === 0 ? 128 : 255]);
      expect([...img.pixels], `depth ${depth}`).toEqual(expected);
    }
  });

  it('a palette index past the palette draws black, as browsers do', () => {
    const img = decodePng(buildPng({ width: 2, height: 1, colorType: 3, bitDepth: 8, samples: [[0, 7]], palette: [1, 2, 3] }));
    expect([...img.pixels]).toEqual([1, 2, 3, 255, 0, 0, 0, 255]);
  });

  it('16-bit and interlaced images are refused with a clear reason', () => {
    const sixteen = buildPng({ width: 1, height: 1, colorType: 2, bitDepth: 16, samples: [[0, 0, 0, 0, 0, 0]] });
    expect(reason(() => decodePng(sixteen))).toBe('unsupported: 16-bit RGB PNGs are not decoded');
    const interlaced = buildPng({ width: 1, height: 1, colorType: 2, bitDepth: 8, samples: [[1, 2, 3]], interlace: 1 });
    expect(reason(() => decodePng(interlaced))).toBe('unsupported: interlaced (Adam7) PNGs are not decoded');
  });
});

describe('PNG decode: corrupt and hostile files', () => {
  const good = buildPng({ width: 4, height: 4, colorType: 6, bitDepth: 8, samples: Array.from({ length: 4 }, () => Array.from({ length: 16 }, (_, i) => i * 9)) });

  it('a flipped bit fails the CRC of its chunk', () => {
    const bad = Buffer.from(good);
    bad[20]! ^= 0x01; // inside IHDR's height field
    expect(reason(() => decodePng(bad))).toBe('corrupt: bad CRC in chunk IHDR');
  });

  it('a file cut anywhere is refused, never decoded half', () => {
    for (let cut = 1; cut < good.length; cut += 3) {
      expect(() => decodePng(good.subarray(0, cut))).toThrow(PngError);
    }
  });

  it('a decompression bomb by dimensions is refused before inflating', () => {
    const bomb = buildPng({ width: 1, height: 1, colorType: 6, bitDepth: 8, samples: [[0, 0, 0, 0]] });
    const patched = Buffer.from(bomb);
    patched.writeUInt32BE(60_000, 16);
    patched.writeUInt32BE(60_000, 20);
    patched.writeUInt32BE(crcOf(patched.subarray(12, 29)), 29);
    expect(reason(() => decodePng(patched))).toMatch(/^too large: 60000×60000 is over the \d+-pixel limit$/);
  });

  it('a decompression bomb by data (tiny header, huge stream) stops at the declared size', async () => {
    // 1×1 RGBA declares 5 raw bytes; the stream inflates to 64 MiB.
    const header = ihdr({ width: 1, height: 1, bitDepth: 8, colorType: 6 });
    const bomb = Buffer.concat([PNG_SIGNATURE, header, pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 1024 * 1024))), pngChunk('IEND', new Uint8Array(0))]);
    expect(bomb.length).toBeLessThan(200_000);
    expect(reason(() => decodePng(bomb))).toBe('corrupt: more image data than the header declares');
    await expect(decodePngRows(bomb, { row: () => undefined })).rejects.toThrow('corrupt: more image data than the header declares');
  });

  it('image data that ends early is refused (sync and streaming)', async () => {
    const raw = Buffer.alloc(2 * (1 + 12)); // 2 of 4 rows of a 3×4 RGBA image
    const short = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 3, height: 4, bitDepth: 8, colorType: 6 }), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
    expect(reason(() => decodePng(short))).toBe('truncated: image data ends after 2 of 4 rows');
    await expect(decodePngRows(short, { row: () => undefined })).rejects.toThrow('truncated: image data ends after 2 of 4 rows');
    const cutStream = deflateSync(Buffer.alloc(4 * 13, 7)).subarray(0, 10);
    const broken = Buffer.concat([PNG_SIGNATURE, ihdr({ width: 3, height: 4, bitDepth: 8, colorType: 6 }), pngChunk('IDAT', cutStream), pngChunk('IEND', new Uint8Array(0))]);
    expect(() => decodePng(broken)).toThrow(PngError);
    await expect(decodePngRows(broken, { row: () => undefined })).rejects.toBeInstanceOf(PngError);
  });

  it('structure errors: no IHDR first, unknown critical chunk, palette image without PLTE', () => {
    const noIhdr = Buffer.concat([PNG_SIGNATURE, pngChunk('IEND', new Uint8Array(0))]);
    expect(reason(() => decodePng(noIhdr))).toBe('corrupt: the first chunk is not IHDR');
    const critical = Buffer.concat([good.subarray(0, 33), pngChunk('ZZZZ', new Uint8Array(1)), good.subarray(33)]);
    expect(reason(() => decodePng(critical))).toBe('unsupported: unknown critical chunk ZZZZ');
    const ancillary = Buffer.concat([good.subarray(0, 33), pngChunk('zzZz', new Uint8Array(1)), good.subarray(33)]);
    expect(decodePng(ancillary).width).toBe(4);
    const noPlte = buildPng({ width: 1, height: 1, colorType: 3, bitDepth: 8, samples: [[0]] });
    expect(reason(() => decodePng(noPlte))).toBe('corrupt: palette image without PLTE');
  });
});

describe('PNG encode', () => {
  it('property: decode(encode(img)) equals img for random small RGBA and RGB images, any filter choice', () => {
    const image = fc
      .record({ width: fc.integer({ min: 1, max: 17 }), height: fc.integer({ min: 1, max: 17 }), channels: fc.constantFrom(3 as const, 4 as const) })
      .chain(({ width, height, channels }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          channels: fc.constant(channels),
          pixels: fc.uint8Array({ minLength: width * height * channels, maxLength: width * height * channels }),
          filter: fc.constantFrom('adaptive' as const, 0 as const, 1 as const, 2 as const, 3 as const, 4 as const),
        }),
      );
    fc.assert(
      fc.property(image, ({ filter, ...img }) => {
        const decoded = decodePng(encodePng(img, { filter }));
        expect(decoded.width).toBe(img.width);
        expect(decoded.height).toBe(img.height);
        for (let p = 0; p < img.width * img.height; p++) {
          for (let c = 0; c < 4; c++) {
            const want = c < img.channels ? img.pixels[p * img.channels + c] : 255;
            if (decoded.pixels[p * 4 + c] !== want) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("the simulator's decoder (an independent implementation) reads what we encode", () => {
    const img = { width: 33, height: 21, channels: 4 as const, pixels: randomBytes(33 * 21 * 4, 5) };
    const theirs = simDecodePng(encodePng(img));
    expect({ width: theirs.width, height: theirs.height, channels: theirs.channels }).toEqual({ width: 33, height: 21, channels: 4 });
    expect(Buffer.from(theirs.pixels).equals(Buffer.from(img.pixels))).toBe(true);
  });

  it("we read the simulator's real SaveImage PNGs (tEXt workflow chunks, RGB)", () => {
    const pixels = randomBytes(40 * 30 * 3, 9);
    const png = simEncodePng({ width: 40, height: 30, channels: 3, pixels }, { text: { prompt: '{"3":{}}', workflow: '{}' }, level: 4 });
    const ours = decodePng(png);
    expect(ours.width).toBe(40);
    const rgb = new Uint8Array(40 * 30 * 3);
    for (let p = 0; p < 40 * 30; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = ours.pixels[p * 4 + c]!;
    expect(Buffer.from(rgb).equals(Buffer.from(pixels))).toBe(true);
  });

  it('rejects pixel buffers that do not match the size', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(11) })).toThrow(RangeError);
  });
});
