/**
 * Exponentially weighted mean of run times (B2): recent jobs count more, so a server that got
 * slower (a bigger model loaded, a thermal limit) is seen as slower within a few tasks.
 */
export class Ewma {
  private value: number | null = null;

  constructor(private readonly alpha = 0.3) {}

  get mean(): number | null {
    return this.value;
  }

  add(sample: number): number {
    if (!Number.isFinite(sample) || sample < 0) return this.value ?? 0;
    this.value = this.value === null ? sample : this.alpha * sample + (1 - this.alpha) * this.value;
    return this.value;
  }
}
