import type { ServerId } from '../../../shared/fleet';
import type { SessionId, TaskId } from '../../../shared/tasks';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import { Ewma } from './ewma';
import type { Capabilities, ServerLoad } from './placement';
import type { TaskTable } from './task-table';

interface Entry {
  inFlight: Set<TaskId>;
  posting: Set<TaskId>;
  runTime: Ewma;
  lastDispatchAt: number;
  capabilities: Capabilities | null;
  capabilitiesAt: number;
  /** Submissions in a row that never reached the server although its probes answer. */
  refusals: number;
  /** No dispatch there before this time (epoch ms). */
  coolUntil: number;
}

/** After N refused submissions in a row the server is skipped for min(30 s, 1 s × 2^(N−1)). */
const COOL_DOWN_BASE_MS = 1_000;
const COOL_DOWN_MAX_MS = 30_000;

/** A server may take a waiting task again: at once, or when its cool-down ends. */
export interface Freed {
  serverId: ServerId;
  afterMs: number;
}

export interface InFlightCount {
  serverId: ServerId;
  inFlight: number;
}

/**
 * The dispatcher's knowledge of each server: which of our tasks it holds (counted the moment a
 * dispatch is decided, B3), which POSTs it has not answered, our tasks' measured run time
 * there (B2) and what it offers (B5). Stages write to it; placement reads it and is woken by
 * {@link onFreed}, so no stage has to call back into the queue.
 */
export class ServerBook implements Disposable {
  private readonly entries = new Map<ServerId, Entry>();
  private readonly onFreedEmitter = new Emitter<Freed>();
  private readonly onInFlightEmitter = new Emitter<InFlightCount>();
  /** A slot was let go, the server's capabilities became known, or a cool-down was set. */
  readonly onFreed = this.onFreedEmitter.event;
  /** The number of our tasks on a server changed (shown on its card). */
  readonly onInFlight = this.onInFlightEmitter.event;

  private entry(id: ServerId): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { inFlight: new Set(), posting: new Set(), runTime: new Ewma(), lastDispatchAt: 0, capabilities: null, capabilitiesAt: 0, refusals: 0, coolUntil: 0 };
      this.entries.set(id, e);
    }
    return e;
  }

  load(id: ServerId): ServerLoad {
    const e = this.entries.get(id);
    if (!e) return { inFlight: 0, posting: 0, meanRunMs: null, lastDispatchAt: 0, capabilities: null, coolUntil: 0 };
    return { inFlight: e.inFlight.size, posting: e.posting.size, meanRunMs: e.runTime.mean, lastDispatchAt: e.lastDispatchAt, capabilities: e.capabilities, coolUntil: e.coolUntil };
  }

  /** A dispatch decided: the task counts against the server from now on. */
  reserve(id: ServerId, task: TaskId, now: number): void {
    const e = this.entry(id);
    e.posting.add(task);
    e.lastDispatchAt = now;
    this.addInFlight(id, e, task);
  }

  /** A task known to be on the server (after a restart, or an answered POST). */
  hold(id: ServerId, task: TaskId): void {
    this.addInFlight(id, this.entry(id), task);
  }

  posted(id: ServerId, task: TaskId): void {
    this.entries.get(id)?.posting.delete(task);
  }

  /**
   * The task left the server: finished, requeued, cancelled, or the dispatch fell through.
   * Placement is woken even when the task was let go already: whatever ended it may have
   * changed what the queue waits for.
   */
  release(id: ServerId, task: TaskId): void {
    const e = this.entries.get(id);
    e?.posting.delete(task);
    if (e?.inFlight.delete(task)) this.onInFlightEmitter.fire({ serverId: id, inFlight: e.inFlight.size });
    this.onFreedEmitter.fire({ serverId: id, afterMs: 0 });
  }

  inFlightOn(id: ServerId): ReadonlySet<TaskId> {
    return this.entries.get(id)?.inFlight ?? new Set();
  }

  /**
   * A submission never reached a server whose probes still answer (it refuses POST /prompt):
   * keep new tasks away from it for a while, longer each time, so they do not bounce on it.
   * Returns the cool-down in ms.
   */
  refused(id: ServerId, now: number): number {
    const e = this.entry(id);
    e.refusals++;
    const ms = Math.min(COOL_DOWN_MAX_MS, COOL_DOWN_BASE_MS * 2 ** (e.refusals - 1));
    e.coolUntil = now + ms;
    this.onFreedEmitter.fire({ serverId: id, afterMs: ms });
    return ms;
  }

  /** A submission went through: the server takes work again as usual. */
  accepted(id: ServerId): void {
    const e = this.entries.get(id);
    if (e) {
      e.refusals = 0;
      e.coolUntil = 0;
    }
  }

  recordRunTime(id: ServerId, ms: number): void {
    this.entry(id).runTime.add(ms);
  }

  setCapabilities(id: ServerId, caps: Capabilities, now: number): void {
    const e = this.entry(id);
    e.capabilities = caps;
    e.capabilitiesAt = now;
    this.onFreedEmitter.fire({ serverId: id, afterMs: 0 });
  }

  capabilitiesAge(id: ServerId, now: number): number {
    const e = this.entries.get(id);
    return e?.capabilities ? now - e.capabilitiesAt : Infinity;
  }

  private addInFlight(id: ServerId, e: Entry, task: TaskId): void {
    if (e.inFlight.has(task)) return;
    e.inFlight.add(task);
    this.onInFlightEmitter.fire({ serverId: id, inFlight: e.inFlight.size });
  }

  dispose(): void {
    this.onFreedEmitter.dispose();
    this.onInFlightEmitter.dispose();
  }
}

/** Our tasks of one session on a server (L2: a session's lock moves only once none are left there). */
export function sessionTasksOn(book: Pick<ServerBook, 'inFlightOn'>, table: Pick<TaskTable, 'get'>, sessionId: SessionId, serverId: ServerId): number {
  let n = 0;
  for (const id of book.inFlightOn(serverId)) if (table.get(id)?.view.sessionId === sessionId) n++;
  return n;
}
