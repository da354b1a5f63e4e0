/**
 * The order service of a chaos run: sends each planned order at its time with its idempotency
 * key, resends a key whose answer was lost with a killed engine (T2, T4), waits and resends
 * after a `queue_full` refusal (B4; not for the burst, whose refusals are the point), sends some
 * keys a second time on purpose, and has the operator cancel a few tasks (T7). Every answer is
 * kept for the ledger.
 */
import type { SubmitOutcome } from '../src/shared/tasks';
import type { EngineLives } from './engine-life';
import type { EngineProcess } from '../harness/engine-process';
import { EngineCallError, EngineGone } from '../harness/engine-process';
import { workflowOf } from './fleet';
import type { Order } from './plan';
import { TASK_TYPES } from './plan';

export interface Answer {
  key: string;
  outcome: SubmitOutcome['outcome'];
  taskId: string;
  /** A deliberate second send of the key (not a resend after a lost answer). */
  again: boolean;
  at: number;
}

export interface OrderStats {
  sent: number;
  created: number;
  deduplicated: number;
  conflict: number;
  /** `queue_full` refusals (each is one refused send). */
  refusedQueueFull: number;
  /** Orders given up after refusals (burst orders give up at the first). */
  gaveUp: number;
  /** Sends whose answer died with the engine; the key is sent again to the next life. */
  answersLost: number;
  /** Other errors from a send (timeouts, unexpected codes), by code. */
  errors: Record<string, number>;
  /** Keys sent a second time on purpose. */
  resubmitted: number;
  cancelsRequested: number;
  cancelsRefused: number;
}

const QUEUE_FULL_RETRY_MS = 1_500;
const MAX_TRIES = 8;

export class OrderService {
  readonly answers: Answer[] = [];
  readonly stats: OrderStats = {
    sent: 0,
    created: 0,
    deduplicated: 0,
    conflict: 0,
    refusedQueueFull: 0,
    gaveUp: 0,
    answersLost: 0,
    errors: {},
    resubmitted: 0,
    cancelsRequested: 0,
    cancelsRefused: 0,
  };
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Submissions sent and not answered yet. */
  inFlight = 0;

  constructor(private readonly engine: EngineLives) {}

  /** Sends every order at its offset from `startedAt`; resolves when the last was sent once. */
  async run(orders: readonly Order[], startedAt: number): Promise<void> {
    for (const o of orders) {
      if (this.stopped) return;
      const wait = startedAt + o.at - Date.now();
      if (wait > 0) await sleep(wait);
      this.track(this.send(o, false));
    }
  }

  /** Waits (bounded) for every send, resend and cancel under way. */
  async settle(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.running.size > 0 || this.timers.size > 0) {
      if (Date.now() > end) return false;
      await Promise.race([Promise.all([...this.running]), sleep(200)]);
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get pending(): number {
    return this.running.size + this.timers.size;
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) this.track(fn());
    }, ms);
    this.timers.add(t);
  }

  private async send(o: Order, again: boolean): Promise<void> {
    const args = { type: TASK_TYPES[o.type].type, key: o.key, sessionId: o.sessionId, workflow: workflowOf(o) };
    for (let tries = 1; ; tries++) {
      let proc: EngineProcess;
      try {
        proc = await this.engine.current();
      } catch {
        return; // the run is closing
      }
      this.stats.sent++;
      this.inFlight++;
      try {
        const r = await proc.call<SubmitOutcome>('tasks.submit', args).finally(() => this.inFlight--);
        this.stats[r.outcome]++;
        this.answers.push({ key: o.key, outcome: r.outcome, taskId: r.task.id, again, at: Date.now() });
        if (!again && r.outcome === 'created' && o.cancelAfterMs !== null) this.later(o.cancelAfterMs, () => this.cancel(r.task.id));
        if (!again && o.resubmitAfterMs !== null) {
          this.later(o.resubmitAfterMs, () => {
            this.stats.resubmitted++;
            return this.send(o, true);
          });
        }
        return;
      } catch (err) {
        if (err instanceof EngineGone) {
          // The answer (if any) died with the engine: ask its next life with the same key.
          this.stats.answersLost++;
          continue;
        }
        const code = err instanceof EngineCallError ? err.code : 'no_answer';
        if (code === 'queue_full') {
          this.stats.refusedQueueFull++;
          if (o.burst || tries >= MAX_TRIES) {
            this.stats.gaveUp++;
            return;
          }
          await sleep(QUEUE_FULL_RETRY_MS);
          continue;
        }
        this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
        if (tries >= MAX_TRIES || this.stopped) {
          this.stats.gaveUp++;
          return;
        }
        await sleep(1_000);
      }
    }
  }

  private async cancel(id: string): Promise<void> {
    this.stats.cancelsRequested++;
    try {
      await this.engine.call('tasks.cancel', { id, reason: 'chaos: the operator cancels' });
    } catch {
      // Already terminal, or the engine died: the task simply runs its course.
      this.stats.cancelsRefused++;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
