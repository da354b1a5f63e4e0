/**
 * Area-average ("box") downsampling that takes the source one RGBA row at a time, top to
 * bottom, so a large image never has to be in memory. Every source pixel falls into exactly
 * one target pixel (`floor(x · targetW / sourceW)`); a target pixel is the mean of its source
 * pixels. Colours are averaged weighted by alpha, so transparent pixels (often black) do not
 * darken the edges of what is visible.
 */
export class BoxDownsampler {
  private readonly colOf: Uint32Array;
  /** Per target pixel of the current target row: Σ r·a, Σ g·a, Σ b·a, Σ a. */
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly out: Uint8Array;
  private currentRow = 0;
  private nextSourceRow = 0;

  constructor(
    private readonly sourceWidth: number,
    private readonly sourceHeight: number,
    readonly width: number,
    readonly height: number,
  ) {
    if (width < 1 || height < 1 || width > sourceWidth || height > sourceHeight) {
      throw new RangeError(`cannot downsample ${sourceWidth}×${sourceHeight} to ${width}×${height}`);
    }
    this.colOf = new Uint32Array(sourceWidth);
    for (let x = 0; x < sourceWidth; x++) this.colOf[x] = Math.floor((x * width) / sourceWidth);
    this.sums = new Float64Array(width * 4);
    this.counts = new Float64Array(width);
    this.out = new Uint8Array(width * height * 4);
  }

  /** Rows must come in order, each `sourceWidth × 4` bytes. */
  addRow(rgba: Uint8Array, y: number): void {
    if (y !== this.nextSourceRow) throw new RangeError(`row ${y} out of order (expected ${this.nextSourceRow})`);
    this.nextSourceRow++;
    const target = Math.floor((y * this.height) / this.sourceHeight);
    if (target !== this.currentRow) this.flush();
    const { colOf, sums, counts } = this;
    for (let x = 0, s = 0; x < this.sourceWidth; x++, s += 4) {
      const c = colOf[x] as number;
      const a = rgba[s + 3] as number;
      const d = c * 4;
      sums[d] = (sums[d] as number) + (rgba[s] as number) * a;
      sums[d + 1] = (sums[d + 1] as number) + (rgba[s + 1] as number) * a;
      sums[d + 2] = (sums[d + 2] as number) + (rgba[s + 2] as number) * a;
      sums[d + 3] = (sums[d + 3] as number) + a;
      counts[c] = (counts[c] as number) + 1;
    }
  }

  /** The target image, RGBA8; call once every source row was added. */
  result(): Uint8Array {
    if (this.nextSourceRow !== this.sourceHeight) throw new RangeError(`only ${this.nextSourceRow} of ${this.sourceHeight} rows were added`);
    this.flush();
    return this.out;
  }

  private flush(): void {
    const { sums, counts, out } = this;
    const base = this.currentRow * this.width * 4;
    for (let c = 0; c < this.width; c++) {
      const n = counts[c] as number;
      const d = c * 4;
      const alpha = sums[d + 3] as number;
      const o = base + d;
      if (n > 0 && alpha > 0) {
        out[o] = Math.round((sums[d] as number) / alpha);
        out[o + 1] = Math.round((sums[d + 1] as number) / alpha);
        out[o + 2] = Math.round((sums[d + 2] as number) / alpha);
        out[o + 3] = Math.round(alpha / n);
      }
      // else: fully transparent (or no source pixels), left as 0,0,0,0.
    }
    sums.fill(0);
    counts.fill(0);
    this.currentRow++;
  }
}

/** Target size with the longest side at most `maxSide`, aspect ratio kept, never upscaled. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
