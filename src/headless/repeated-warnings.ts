import type { Clock, TimerHandle } from '../main/engine/core/clock';

/** Repeats of one cause within this window are counted, not logged (default 10 s). */
const DEFAULT_WARN_INTERVAL_MS = 10_000;

export interface RepeatedWarningsOptions {
  log: (line: string) => void;
  clock: Clock;
  intervalMs?: number;
}

interface Window {
  line: string;
  suppressed: number;
  timer: TimerHandle;
}

/**
 * Logs a warning the first time its cause occurs, then at most one summary line per interval
 * while it keeps occurring. Why: a client that may connect (authenticated, or any page on
 * loopback) could otherwise write a log line per frame — 36 700 lines in 5 s in a probe — and
 * fill the disk or bury every other line. One instance per connection (or per host), so one
 * noisy client never hides another's first warning.
 */
export class RepeatedWarnings {
  private readonly windows = new Map<string, Window>();
  private readonly intervalMs: number;
  private disposed = false;

  constructor(private readonly opts: RepeatedWarningsOptions) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_WARN_INTERVAL_MS;
  }

  /** `cause` groups repeats (e.g. `not-json`); `line` is what is logged for it. */
  warn(cause: string, line: string): void {
    if (this.disposed) return;
    const open = this.windows.get(cause);
    if (open) {
      open.suppressed++;
      return;
    }
    this.opts.log(line);
    this.open(cause, line);
  }

  /** Logs what is still counted (the flood ended with the connection) and stops every timer. */
  dispose(suffix = 'before the connection closed'): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const window of this.windows.values()) {
      this.opts.clock.clearTimeout(window.timer);
      if (window.suppressed > 0) this.opts.log(this.summary(window, suffix));
    }
    this.windows.clear();
  }

  private open(cause: string, line: string): void {
    const window: Window = { line, suppressed: 0, timer: this.opts.clock.setTimeout(() => this.close(cause), this.intervalMs) };
    this.windows.set(cause, window);
  }

  private close(cause: string): void {
    const window = this.windows.get(cause);
    if (!window) return;
    this.windows.delete(cause);
    if (window.suppressed === 0) return; // quiet: the next occurrence is logged at once
    this.opts.log(this.summary(window, `in the last ${seconds(this.intervalMs)}`));
    // Still flooding: keep counting, so a steady flood costs one line per interval.
    this.open(cause, window.line);
  }

  private summary(window: Window, when: string): string {
    return `${window.line} — ${window.suppressed} more time${window.suppressed === 1 ? '' : 's'} ${when} (repeats are logged once per ${seconds(this.intervalMs)})`;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
