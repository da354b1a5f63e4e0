import type { Disposable } from './disposable';
import { toDisposable } from './disposable';

/**
 * A typed event with disposable subscriptions. A throwing listener is reported and does not
 * stop the others or the engine.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error('listener failed:', err)) {}

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
