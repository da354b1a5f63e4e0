export interface BackoffOptions {
  /** First delay and floor of every delay. Default 500 ms. */
  minDelayMs: number;
  /** Ceiling of every delay. Default 10 s. */
  maxDelayMs: number;
  /** Growth per failed attempt. Default 2. */
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 10_000, factor: 2 };

/**
 * Delay before reconnect attempt `attempt` (0-based): capped exponential with "equal jitter",
 * i.e. somewhere in the upper half of the current step. Full jitter could drop to ~0 and spin
 * against a host that refuses at once; the upper half still spreads many tabs apart.
 * `random` is drawn per call so the spread is fresh on every attempt.
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.maxDelayMs, options.minDelayMs * options.factor ** Math.max(0, attempt));
  const jittered = step / 2 + random() * (step / 2);
  return Math.round(Math.min(options.maxDelayMs, Math.max(options.minDelayMs, jittered)));
}
