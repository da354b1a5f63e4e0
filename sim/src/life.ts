/**
 * One incarnation of a server process. A crash or close ends it: pending sleeps reject with
 * `Aborted`, so a running job stops where it is, without history, like a killed process.
 */

export class Aborted extends Error {
  override name = 'Aborted';
}

export class Life {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; reject: (err: Error) => void }>();
  private ended = false;

  get aborted(): boolean {
    return this.ended;
  }

  sleep(ms: number): Promise<void> {
    if (this.ended) return Promise.reject(new Aborted());
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, Math.max(0, ms)),
        reject,
      };
      this.pending.add(entry);
    });
  }

  check(): void {
    if (this.ended) throw new Aborted();
  }

  abort(): void {
    this.ended = true;
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Aborted());
    }
    this.pending.clear();
  }
}
