/**
 * The engine's log: `info` lines always go out (fleet summary, health changes, operator
 * actions); `verbose` lines (every socket and probe event) only while the toggle is on (U7).
 */
export interface Logger {
  info(line: string): void;
  verbose(line: string): void;
  readonly isVerbose: boolean;
  setVerbose(on: boolean): void;
}

export function createLogger(sink: (line: string) => void, verbose = false): Logger {
  let on = verbose;
  return {
    info: (line) => sink(line),
    verbose: (line) => {
      if (on) sink(line);
    },
    get isVerbose() {
      return on;
    },
    setVerbose: (value) => {
      on = value;
    },
  };
}

export const silentLogger: Logger = createLogger(() => undefined);
