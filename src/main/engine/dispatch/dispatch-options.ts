import { DEFAULT_OUTPUT_RETRY_DELAYS_MS } from '../outputs/task-outputs';
import type { LedgerBackoffOptions } from './ledger-backoff';
import { DEFAULT_LEDGER_BACKOFF } from './ledger-backoff';
import { DEFAULT_CAPABILITIES_TTL_MS } from './server-capabilities';

/** Named limits and timings of dispatch, defaults in {@link DEFAULT_DISPATCH_OPTIONS}. */
export interface DispatchOptions {
  /** B4: the console's queue refuses new tasks beyond this many waiting. */
  maxQueued: number;
  /** B4: global submissions per second, and the burst allowed. */
  submitsPerSecond: number;
  submitBurst: number;
  /** Deadline of a `POST /prompt`. */
  submitTimeoutMs: number;
  /** After an unclear POST (timeout, 5xx), how long to wait before a prompt that is nowhere counts as not delivered. */
  settleMs: number;
  /** `/object_info` is read again after this long (B5). */
  capabilitiesTtlMs: number;
  /** T6: waits before each new fetch of a succeeded task's outputs that failed for a reason that may pass. */
  outputRetryDelaysMs: readonly number[];
  /** Waits of dispatch while the ledger cannot be written: from `initialMs`, doubling up to `maxMs`. */
  ledgerBackoff: LedgerBackoffOptions;
}

/** The B4 limits an operator changes in Settings (U6). */
export type DispatchLimitValues = Pick<DispatchOptions, 'maxQueued' | 'submitsPerSecond' | 'submitBurst'>;

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = {
  maxQueued: 10_000,
  submitsPerSecond: 50,
  submitBurst: 50,
  submitTimeoutMs: 10_000,
  settleMs: 2_000,
  capabilitiesTtlMs: DEFAULT_CAPABILITIES_TTL_MS,
  outputRetryDelaysMs: DEFAULT_OUTPUT_RETRY_DELAYS_MS,
  ledgerBackoff: DEFAULT_LEDGER_BACKOFF,
};
