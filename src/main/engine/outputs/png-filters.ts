/**
 * PNG scanline filters (PNG spec §9): 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth. `bpp` is the
 * distance in bytes to the corresponding byte of the pixel on the left (at least 1). The
 * loops are written per filter type because this is the hot path of thumbnailing.
 */

export type PngFilter = 0 | 1 | 2 | 3 | 4;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = p > a ? p - a : a - p;
  const pb = p > b ? p - b : b - p;
  const pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Reverses the filter of one scanline in place: `line` holds the filtered bytes (without the
 * filter byte) and becomes the raw bytes; `prev` is the raw previous line (zeros for the first).
 * Returns false for an unknown filter type.
 */
export function unfilterScanline(filter: number, line: Uint8Array, prev: Uint8Array, bpp: number): boolean {
  const n = line.length;
  switch (filter) {
    case 0:
      return true;
    case 1:
      for (let i = bpp; i < n; i++) line[i] = ((line[i] as number) + (line[i - bpp] as number)) & 0xff;
      return true;
    case 2:
      for (let i = 0; i < n; i++) line[i] = ((line[i] as number) + (prev[i] as number)) & 0xff;
      return true;
    case 3:
      for (let i = 0; i < bpp && i < n; i++) line[i] = ((line[i] as number) + ((prev[i] as number) >> 1)) & 0xff;
      for (let i = bpp; i < n; i++) line[i] = ((line[i] as number) + (((line[i - bpp] as number) + (prev[i] as number)) >> 1)) & 0xff;
      return true;
    case 4:
      for (let i = 0; i < bpp && i < n; i++) line[i] = ((line[i] as number) + (prev[i] as number)) & 0xff;
      for (let i = bpp; i < n; i++) {
        line[i] = ((line[i] as number) + paeth(line[i - bpp] as number, prev[i] as number, prev[i - bpp] as number)) & 0xff;
      }
      return true;
    default:
      return false;
  }
}

/** Applies `filter` to the raw scanline `line` (previous raw line `prev`), writing into `out`. */
export function filterScanline(filter: PngFilter, line: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): void {
  const n = line.length;
  for (let i = 0; i < n; i++) {
    const x = line[i] as number;
    const a = i >= bpp ? (line[i - bpp] as number) : 0;
    const b = prev[i] as number;
    const c = i >= bpp ? (prev[i - bpp] as number) : 0;
    const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
    out[i] = (x - pred) & 0xff;
  }
}
