import type { ServerId } from '../../../shared/fleet';
import type { TaskId } from '../../../shared/tasks';
import { Ewma } from './ewma';
import type { Capabilities, ServerLoad } from './placement';

interface Entry {
  inFlight: Set<TaskId>;
  posting: Set<TaskId>;
  runTime: Ewma;
  lastDispatchAt: number;
  capabilities: Capabilities | null;
  capabilitiesAt: number;
}

/**
 * The dispatcher's knowledge of each server: which of our tasks it holds (counted the moment a
 * dispatch is decided, B3), which POSTs it has not answered, our tasks' measured run time
 * there (B2) and what it offers (B5).
 */
export class ServerBook {
  private readonly entries = new Map<ServerId, Entry>();

  private entry(id: ServerId): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { inFlight: new Set(), posting: new Set(), runTime: new Ewma(), lastDispatchAt: 0, capabilities: null, capabilitiesAt: 0 };
      this.entries.set(id, e);
    }
    return e;
  }

  load(id: ServerId): ServerLoad {
    const e = this.entries.get(id);
    if (!e) return { inFlight: 0, posting: 0, meanRunMs: null, lastDispatchAt: 0, capabilities: null };
    return { inFlight: e.inFlight.size, posting: e.posting.size, meanRunMs: e.runTime.mean, lastDispatchAt: e.lastDispatchAt, capabilities: e.capabilities };
  }

  /** A dispatch decided: the task counts against the server from now on. */
  reserve(id: ServerId, task: TaskId, now: number): void {
    const e = this.entry(id);
    e.inFlight.add(task);
    e.posting.add(task);
    e.lastDispatchAt = now;
  }

  /** A task known to be on the server (after a restart, or an answered POST). */
  hold(id: ServerId, task: TaskId): void {
    this.entry(id).inFlight.add(task);
  }

  posted(id: ServerId, task: TaskId): void {
    this.entries.get(id)?.posting.delete(task);
  }

  /** The task left the server: finished, requeued, cancelled, or the dispatch fell through. */
  release(id: ServerId, task: TaskId): void {
    const e = this.entries.get(id);
    e?.inFlight.delete(task);
    e?.posting.delete(task);
  }

  /** Servers holding the task (normally one). */
  holders(task: TaskId): ServerId[] {
    return [...this.entries].filter(([, e]) => e.inFlight.has(task)).map(([id]) => id);
  }

  inFlightOn(id: ServerId): ReadonlySet<TaskId> {
    return this.entries.get(id)?.inFlight ?? new Set();
  }

  recordRunTime(id: ServerId, ms: number): void {
    this.entry(id).runTime.add(ms);
  }

  setCapabilities(id: ServerId, caps: Capabilities, now: number): void {
    const e = this.entry(id);
    e.capabilities = caps;
    e.capabilitiesAt = now;
  }

  capabilitiesAge(id: ServerId, now: number): number {
    const e = this.entries.get(id);
    return e?.capabilities ? now - e.capabilitiesAt : Infinity;
  }

  forget(id: ServerId): void {
    this.entries.delete(id);
  }
}
