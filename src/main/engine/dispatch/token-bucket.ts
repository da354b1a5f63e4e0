/**
 * B4: the global submissions-per-second limit. A bucket of `burst` tokens refilled at `ratePerSec`;
 * time comes from the caller so tests and the dispatcher's clock agree.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError(`rate limit: ${ratePerSec}/s with burst ${burst} is not a limit; give a rate above 0 and a burst of at least 1`);
    this.tokens = burst;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.ratePerSec) / 1000);
      this.updatedAt = now;
    }
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 if one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSec);
  }
}
