import type { PngHeader, PngStructure } from './png-format';
import { bitsPerPixel, PngError, scanlineBytes } from './png-format';
import { unfilterScanline } from './png-filters';

/**
 * Turns the inflated IDAT stream, fed in pieces of any size, into RGBA8 rows, one at a time,
 * so decoding needs memory for two scanlines, not the whole image. It refuses a stream that
 * carries more rows than the header declares (the decompression-bomb case) or an unknown
 * filter type, and `finish` refuses one that stops early.
 */
export class ScanlineReader {
  private readonly header: PngHeader;
  private readonly rowBytes: number;
  private readonly bpp: number;
  private readonly toRgba: (line: Uint8Array, out: Uint8Array) => void;
  private line: Uint8Array;
  private prev: Uint8Array;
  private readonly rgba: Uint8Array;
  /** Bytes of the current scanline received so far, the filter byte included. */
  private filled = 0;
  private filter = 0;
  private y = 0;

  constructor(
    structure: Pick<PngStructure, 'header' | 'palette' | 'transparency'>,
    /** Gets a view that is reused for the next row: copy what you keep. */
    private readonly onRow: (rgba: Uint8Array, y: number) => void,
  ) {
    this.header = structure.header;
    this.rowBytes = scanlineBytes(this.header);
    this.bpp = Math.max(1, bitsPerPixel(this.header) >> 3);
    this.line = new Uint8Array(this.rowBytes);
    this.prev = new Uint8Array(this.rowBytes);
    this.rgba = new Uint8Array(this.header.width * 4);
    this.toRgba = converter(structure);
  }

  get rowsDone(): number {
    return this.y;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.y >= this.header.height) throw new PngError('corrupt: more image data than the header declares');
      if (this.filled === 0) {
        this.filter = chunk[i] as number;
        if (this.filter > 4) throw new PngError(`corrupt: unknown filter type ${this.filter} in row ${this.y}`);
        this.filled = 1;
        i++;
        continue;
      }
      const want = this.rowBytes - (this.filled - 1);
      const take = Math.min(want, chunk.length - i);
      this.line.set(chunk.subarray(i, i + take), this.filled - 1);
      this.filled += take;
      i += take;
      if (take === want) this.completeRow();
    }
  }

  finish(): void {
    if (this.y < this.header.height) throw new PngError(`truncated: image data ends after ${this.y} of ${this.header.height} rows`);
  }

  private completeRow(): void {
    unfilterScanline(this.filter, this.line, this.prev, this.bpp);
    this.toRgba(this.line, this.rgba);
    this.onRow(this.rgba, this.y);
    const done = this.line;
    this.line = this.prev;
    this.prev = done;
    this.filled = 0;
    this.y++;
  }
}

/** The per-row conversion for this header: samples (any supported depth) to RGBA8. */
function converter({ header, palette, transparency }: Pick<PngStructure, 'header' | 'palette' | 'transparency'>): (line: Uint8Array, out: Uint8Array) => void {
  const width = header.width;
  const depth = header.bitDepth;
  switch (header.colorType) {
    case 6:
      return (line, out) => out.set(line.subarray(0, width * 4));
    case 2: {
      const key = transparency ? [u16(transparency, 0), u16(transparency, 2), u16(transparency, 4)] : null;
      return (line, out) => {
        for (let x = 0, s = 0, d = 0; x < width; x++, s += 3, d += 4) {
          const r = line[s] as number;
          const g = line[s + 1] as number;
          const b = line[s + 2] as number;
          out[d] = r;
          out[d + 1] = g;
          out[d + 2] = b;
          out[d + 3] = key !== null && r === key[0] && g === key[1] && b === key[2] ? 0 : 255;
        }
      };
    }
    case 4:
      return (line, out) => {
        for (let x = 0, s = 0, d = 0; x < width; x++, s += 2, d += 4) {
          const v = line[s] as number;
          out[d] = v;
          out[d + 1] = v;
          out[d + 2] = v;
          out[d + 3] = line[s + 1] as number;
        }
      };
    case 0: {
      const key = transparency ? u16(transparency, 0) : -1;
      const scale = 255 / ((1 << depth) - 1);
      return (line, out) => {
        for (let x = 0, d = 0; x < width; x++, d += 4) {
          const sample = sampleAt(line, x, depth);
          const v = Math.round(sample * scale);
          out[d] = v;
          out[d + 1] = v;
          out[d + 2] = v;
          out[d + 3] = sample === key ? 0 : 255;
        }
      };
    }
    case 3: {
      const pal = palette ?? new Uint8Array(0);
      const entries = pal.length / 3;
      return (line, out) => {
        for (let x = 0, d = 0; x < width; x++, d += 4) {
          const i = sampleAt(line, x, depth);
          // Out-of-range indexes are an error in the spec; browsers draw them black, so do we.
          if (i < entries) {
            out[d] = pal[i * 3] as number;
            out[d + 1] = pal[i * 3 + 1] as number;
            out[d + 2] = pal[i * 3 + 2] as number;
            out[d + 3] = transparency !== null && i < transparency.length ? (transparency[i] as number) : 255;
          } else {
            out[d] = 0;
            out[d + 1] = 0;
            out[d + 2] = 0;
            out[d + 3] = 255;
          }
        }
      };
    }
  }
}

/** Sample `x` of a line packed at `depth` bits (1, 2, 4 or 8), most significant bits first. */
function sampleAt(line: Uint8Array, x: number, depth: number): number {
  if (depth === 8) return line[x] as number;
  const perByte = 8 / depth;
  const byte = line[Math.floor(x / perByte)] as number;
  const shift = 8 - depth * ((x % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}
