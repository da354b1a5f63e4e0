/** VS Code's lifecycle shape, small: everything long-lived has one close that may run twice. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Runs every cleanup even when one throws; the first error is rethrown at the end. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    let first: unknown;
    for (const item of [...this.items].reverse()) {
      try {
        item.dispose();
      } catch (err) {
        first ??= err;
      }
    }
    this.items.clear();
    if (first !== undefined) throw first;
  }
}
