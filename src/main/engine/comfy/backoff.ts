import type { Random } from '../core/clock';

/** Reconnect policy in named options with defaults in one place (reconnecting-websocket style). */
export interface BackoffOptions {
  /** Floor of every delay (F3: 0.5 s). */
  minDelayMs: number;
  /** Cap of every delay (F3: 30 s). */
  maxDelayMs: number;
  growFactor: number;
  /** A connection must stay up this long before the attempt counter resets, so a flapping server keeps backing off. */
  minUptimeMs: number;
  /** An opening handshake that takes longer counts as failed (a hung server accepts TCP and never answers). */
  connectTimeoutMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  minDelayMs: 500,
  maxDelayMs: 30_000,
  growFactor: 2,
  minUptimeMs: 5_000,
  connectTimeoutMs: 5_000,
};

/**
 * Exponential backoff with full jitter, drawn afresh on every attempt:
 * uniform in [min, min(max, min × factor^attempt)].
 */
export function reconnectDelay(attempt: number, opts: BackoffOptions, random: Random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.minDelayMs * opts.growFactor ** Math.max(0, attempt));
  return Math.round(opts.minDelayMs + random() * (ceiling - opts.minDelayMs));
}
