/**
 * Runs functions for one key one at a time, in call order; different keys run concurrently.
 * The dispatcher keys by task id so that a task's own writes (a POST's answer, a socket event,
 * a cancel, the watchdog) never race each other inside this process; other processes are kept
 * honest by the ledger's optimistic versions.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
