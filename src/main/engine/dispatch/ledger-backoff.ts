import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isLedgerError } from '../tasks/ledger-error';

export interface LedgerBackoffOptions {
  /** The first wait after a dispatch found the ledger unwritable. */
  initialMs: number;
  /** The longest wait: how late dispatch notices at most that the ledger is writable again. */
  maxMs: number;
}

export const DEFAULT_LEDGER_BACKOFF: LedgerBackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Dispatch while the ledger cannot be written (PostgreSQL down or read-only, the data folder's
 * disk full, an immutable file). Every dispatch starts with a write, so without this each
 * failed one put its task straight back and the pump retried it at the submission limit,
 * logging a line per try. Here the first failure pauses dispatch; after an exponential wait
 * (0.5 s doubling up to 30 s by default) one task alone tries again, and only its outcome
 * decides. The log gets one line when the ledger fails, one when the cause changes and one when
 * it is writable again; the waiting tasks show the cause.
 */
export class LedgerBackoff {
  private cause: string | null = null;
  private since = 0;
  private delayMs = 0;
  private retryAt = 0;
  private probing = false;
  private failures = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly log: Logger,
    private readonly options: LedgerBackoffOptions = DEFAULT_LEDGER_BACKOFF,
  ) {}

  /** Why queued tasks wait while the ledger cannot be written; null while it can. */
  get reason(): string | null {
    return this.cause === null ? null : `ledger unavailable — ${this.cause}`;
  }

  /**
   * How long queued tasks must wait before the next dispatch: null when one may go now,
   * Infinity while the one trying the ledger again is under way (its outcome decides).
   */
  holdMs(now: number): number | null {
    if (this.cause === null) return null;
    if (this.probing) return Infinity;
    return now < this.retryAt ? this.retryAt - now : null;
  }

  /** A task goes to submission; true when it is the one trying the ledger again. */
  startDispatch(): boolean {
    if (this.cause === null) return false;
    this.probing = true;
    return true;
  }

  /** The trying dispatch is over, whatever became of it: a stale choice simply lets the next one try. */
  probeDone(): void {
    this.probing = false;
  }

  /**
   * A dispatch failed before anything was persisted. True when the ledger could not be
   * written (then the caller logs nothing: this does, once per cause); false for any other
   * error, which the caller reports as before.
   */
  failed(err: unknown): boolean {
    if (!isLedgerError(err, 'store_unavailable') && !isLedgerError(err, 'store_busy')) return false;
    const now = this.clock.now();
    const cause = causeOf(err.message);
    this.failures++;
    if (this.cause === null) {
      this.since = now;
      this.delayMs = this.options.initialMs;
      this.log.info(`ledger cannot be written: ${err.message}. Dispatch pauses: queued tasks wait, and one is tried again in ${seconds(this.delayMs)}, then less and less often (at most every ${seconds(this.options.maxMs)})`);
    } else {
      // Dispatches that were already under way when the ledger failed do not lengthen the wait.
      if (now < this.retryAt) return true;
      this.delayMs = Math.min(this.delayMs * 2, this.options.maxMs);
      if (cause !== this.cause) this.log.info(`ledger still cannot be written, now: ${err.message}`);
    }
    this.cause = cause;
    this.retryAt = now + this.delayMs;
    return true;
  }

  /** A dispatch was persisted: the ledger is writable (again). */
  succeeded(): void {
    if (this.cause === null) return;
    const now = this.clock.now();
    this.log.info(`ledger writable again after ${seconds(now - this.since)} (${this.failures} failed dispatch${this.failures === 1 ? '' : 'es'}); dispatch resumes`);
    this.cause = null;
    this.probing = false;
    this.failures = 0;
  }
}

/**
 * The short cause inside a ledger error's sentence ("disk I/O error", "the disk is full"), for
 * the tasks' waiting reason; the store's wording is the one place these sentences are made
 * (store/backend-errors.ts). Falls back to the whole message.
 */
function causeOf(message: string): string {
  const m = /cannot be written: (.*?)\. /.exec(message) ?? /cannot use the ledger database .*?: (.*?)\. Check/.exec(message) ?? /stayed locked by other writers too long/.exec(message);
  if (!m) return message;
  return m[1] ?? 'locked by other writers';
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
