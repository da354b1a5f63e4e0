/**
 * One incarnation of a server process. A crash or close ends it: pending sleeps and guarded
 * work (pixel jobs, test gates) reject with `Aborted`, so a running job stops where it is,
 * without history, like a killed process. `signal` tells the pixel pool to drop its work.
 */

export class Aborted extends Error {
  override name = 'Aborted';
}

export class Life {
  private readonly aborters = new Set<() => void>();
  private readonly controller = new AbortController();
  private ended = false;

  get aborted(): boolean {
    return this.ended;
  }

  /** Aborts when this incarnation ends. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    return this.guard(elapsed, () => clearTimeout(timer));
  }

  /** `work`'s outcome, unless this life ends first: then `Aborted` at once and `onAbort` runs. */
  guard<T>(work: Promise<T>, onAbort?: () => void): Promise<T> {
    if (this.ended) {
      onAbort?.();
      work.catch(() => undefined);
      return Promise.reject(new Aborted());
    }
    return new Promise<T>((resolve, reject) => {
      const abort = (): void => {
        onAbort?.();
        reject(new Aborted());
      };
      this.aborters.add(abort);
      work.then(
        (value) => {
          this.aborters.delete(abort);
          resolve(value);
        },
        (err: unknown) => {
          this.aborters.delete(abort);
          reject(err);
        },
      );
    });
  }

  check(): void {
    if (this.ended) throw new Aborted();
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    const aborters = [...this.aborters];
    this.aborters.clear();
    for (const abort of aborters) abort();
    this.controller.abort(new Aborted());
  }
}
