import type { LogLine } from '../../../shared/api';
import type { Clock } from './clock';
import { Emitter } from './emitter';

/**
 * The engine's log: `info` lines always go out (fleet summary, health changes, operator
 * actions); `verbose` lines (every socket and probe event) only while the toggle is on (U7).
 * The last lines are kept for the console's log view, which also follows new ones live.
 */
export interface Logger {
  info(line: string): void;
  verbose(line: string): void;
  readonly isVerbose: boolean;
  setVerbose(on: boolean): void;
  /** The newest `limit` lines kept, oldest first. */
  tail(limit?: number): LogLine[];
  /** Every line written from now on. */
  readonly onLine: Emitter<LogLine>['event'];
}

/** Lines kept for the log view; older ones are only in the host's own output. */
export const LOG_LINES_KEPT = 2_000;

export function createLogger(sink: (line: string) => void, verbose = false, clock: Pick<Clock, 'now'> = { now: () => Date.now() }): Logger {
  let on = verbose;
  let seq = 0;
  const ring: LogLine[] = [];
  const emitter = new Emitter<LogLine>();
  const write = (level: LogLine['level'], text: string) => {
    const line: LogLine = { seq: ++seq, at: clock.now(), level, text };
    ring.push(line);
    if (ring.length > LOG_LINES_KEPT) ring.splice(0, ring.length - LOG_LINES_KEPT);
    sink(text);
    emitter.fire(line);
  };
  return {
    info: (text) => write('info', text),
    verbose: (text) => {
      if (on) write('verbose', text);
    },
    get isVerbose() {
      return on;
    },
    setVerbose: (value) => {
      on = value;
    },
    tail: (limit = LOG_LINES_KEPT) => ring.slice(-Math.max(0, limit)),
    onLine: emitter.event,
  };
}
