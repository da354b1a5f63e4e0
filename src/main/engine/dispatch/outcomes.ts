import type { ServerId, ServerView } from '../../../shared/fleet';
import type { TaskError, TaskId, TaskOutput } from '../../../shared/tasks';
import type { ComfyClient, HistoryEntry, OutputRef } from '../comfy/comfy-client';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { SessionLocks } from '../locks/session-locks';
import { MoveTo } from '../tasks/move-to';
import { afterServerLost } from '../tasks/task-policy';
import type { AbandonedPrompts } from './abandoned-prompts';
import type { Delivery, DeliveryClient, PromptDelivery } from './prompt-delivery';
import type { PromptWhereabouts } from './prompt-lookup';
import type { ServerBook } from './server-book';
import { sessionTasksOn } from './server-book';
import type { DeliveryOutcomes } from './submission';
import type { TaskPolicies } from './task-policies';
import type { LiveTask, TaskTable } from './task-table';

/** Submissions of one prompt_id that never reached its server before the task goes back to the queue. */
const MAX_POSTS_PER_PROMPT = 3;

/** The last stage: fetches a succeeded task's outputs from its own server and stores them (T6). */
export interface OutputsPort {
  fetch(taskId: TaskId, client: Pick<ComfyClient, 'server' | 'view'>, refs: OutputRef[]): Promise<TaskOutput[]>;
}

export interface OutcomesDeps {
  table: Pick<TaskTable, 'get' | 'move' | 'note'>;
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): DeliveryClient & Pick<ComfyClient, 'server' | 'view'> };
  book: Pick<ServerBook, 'release' | 'refused' | 'recordRunTime' | 'inFlightOn'>;
  locks: Pick<SessionLocks, 'releaseUnused'>;
  policies: Pick<TaskPolicies, 'policyOf'>;
  abandoned: Pick<AbandonedPrompts, 'add'>;
  /** Sends a prompt that never arrived again, under its own prompt_id (T4). */
  delivery: Pick<PromptDelivery, 'deliver'>;
  outputs: OutputsPort;
  clock: Clock;
  log: Logger;
}

/**
 * What a task's fate on its server means for it (T4, T5, T9, T10): it ends as its history
 * says, waits, is submitted again under the same prompt_id when it never arrived, or goes back
 * to the queue (the table tells the queue) within its policy's limit. Every end goes through
 * the table, which lets the slot and the lock go (see `releaseOnExit`).
 */
export class Outcomes implements DeliveryOutcomes {
  constructor(private readonly deps: OutcomesDeps) {}

  async afterDelivery(t: LiveTask, server: ServerView, delivery: Delivery): Promise<void> {
    switch (delivery.kind) {
      case 'accepted':
        return;
      case 'refused':
        return this.fail(t, delivery.error);
      case 'undelivered':
        return this.requeueUndelivered(t, server, delivery.reason);
      case 'unclear':
        return this.apply(t, delivery.seen, 'after an unclear submission');
    }
  }

  /**
   * Acts on where a prompt turned out to be: finished → the task ends as history says; running
   * or pending → it stays tracked; absent → it never arrived or its server lost it; unknown →
   * nothing can be concluded, the watchdog asks again later.
   */
  async apply(t: LiveTask, seen: PromptWhereabouts, context: string): Promise<void> {
    if (seen.where !== 'absent' && seen.where !== 'unknown') t.confirmed = true;
    switch (seen.where) {
      case 'finished':
        return this.finish(t, seen.entry);
      case 'running':
        if (t.view.status === 'dispatched') await this.deps.table.move(t, MoveTo.running());
        return;
      case 'pending':
        return;
      case 'absent':
        return this.vanished(t, context);
      case 'unknown':
        this.deps.log.verbose(`task ${t.view.id}: ${context}: ${seen.error}`);
        return;
    }
  }

  /**
   * The task's prompt is neither queued nor in the history of its server. A dispatched prompt
   * the server never confirmed never arrived (the console stopped before its POST, or the POST
   * was cut): it is submitted again under the same prompt_id, which cannot run twice since the
   * server has no trace of it. A confirmed one was lost by the server (a restart): T9 decides.
   */
  private async vanished(t: LiveTask, context: string): Promise<void> {
    const server = this.deps.fleet.get(t.view.serverId ?? '');
    const name = server?.name ?? t.view.serverId ?? 'its server';
    if (t.cancelRequested) {
      await this.deps.table.move(t, MoveTo.cancelled(t.cancelRequested));
      return;
    }
    if (t.view.status === 'dispatched' && !t.confirmed && server) {
      if (t.posts < MAX_POSTS_PER_PROMPT) {
        await this.deps.table.note(t, 'info', `prompt ${t.view.promptId} never reached ${name} (${context}); submitting it again`);
        const delivery = await this.deps.delivery.deliver(t, server, this.deps.fleet.clientFor(server.id));
        await this.afterDelivery(t, server, delivery);
      } else {
        await this.requeueUndelivered(t, server, `prompt ${t.view.promptId} did not reach ${name} after ${t.posts} submissions`);
      }
      return;
    }
    await this.serverLost(t, `prompt ${t.view.promptId} is no longer known to ${name} (${context}); the server lost it`);
  }

  /** T9: requeue within the policy's limit, with a warning that it may run twice; else fail `server_lost`. */
  async serverLost(t: LiveTask, why: string): Promise<void> {
    if (t.cancelRequested) {
      await this.deps.table.move(t, MoveTo.cancelled(`${t.cancelRequested} (and ${why})`));
      return;
    }
    const policy = this.deps.policies.policyOf(t.view.type);
    if (afterServerLost(policy, t.view) === 'requeue') {
      await this.requeue(t, why, true);
    } else {
      await this.fail(t, { code: 'server_lost', message: `${why}; not requeued: the policy of "${policy.type}" allows ${policy.retryLimit} requeue(s) and ${t.view.requeues} happened` });
    }
  }

  /**
   * Back to our queue (ahead of new tasks); the next dispatch is a new attempt with a new
   * prompt_id. `by: 'operator'` (L4) does not count against the retry limit.
   */
  async requeue(t: LiveTask, reason: string, mayRunTwice: boolean, by: 'server-loss' | 'operator' = 'server-loss'): Promise<void> {
    const from = t.view.serverId;
    const promptId = t.view.promptId;
    if (mayRunTwice) {
      await this.deps.table.note(t, 'warning', `may run twice: prompt ${promptId} on ${this.nameOf(from)} might still have run; requeued as a new attempt`);
      if (from && promptId) this.deps.abandoned.add(from, promptId);
    }
    await this.deps.table.move(t, MoveTo.queued(reason, by));
  }

  /**
   * The prompt never reached the server: back to the queue, nothing can run twice. The server
   * cools down so the queue does not bounce on it, and a session lock this dispatch took goes
   * too when nothing else of the session is on that server.
   */
  private async requeueUndelivered(t: LiveTask, server: ServerView, reason: string): Promise<void> {
    this.deps.book.refused(server.id, this.deps.clock.now());
    await this.requeue(t, reason, false);
    if (sessionTasksOn(this.deps.book, this.deps.table, t.view.sessionId, server.id) === 0) {
      await this.deps.locks.releaseUnused(t.view.sessionId, server.id, `its task ${t.view.id} never reached the server`);
    }
  }

  async fail(t: LiveTask, error: TaskError): Promise<void> {
    await this.deps.table.move(t, MoveTo.failed(error));
  }

  /** Ends a task from its history entry (T5, T6); outputs always come from the task's own server. */
  async finish(t: LiveTask, entry: HistoryEntry): Promise<void> {
    const serverId = t.view.serverId;
    const server = serverId ? this.deps.fleet.get(serverId) : undefined;
    const client = server ? this.deps.fleet.clientFor(server.id) : undefined;
    // The job is over on the server: its slot is free now. Fetching the outputs and writing the
    // ledger are the console's work and must not keep a fast server looking full (P3).
    if (serverId) this.deps.book.release(serverId, t.view.id);
    if (t.view.status === 'dispatched' && entry.outcome !== 'success') {
      // Never seen running, but it did start: keep the attempt's record complete.
      await this.deps.table.move(t, MoveTo.running()).catch(() => undefined);
    }
    if (entry.outcome === 'success') {
      let outputs: TaskOutput[] = [];
      if (entry.outputs.length) {
        if (!server || !client) {
          await this.deps.table.note(t, 'warning', `outputs not fetched: server ${serverId} was removed from the fleet`);
        } else {
          outputs = await this.deps.outputs.fetch(t.view.id, client, entry.outputs);
        }
      }
      const runMs = runTimeOf(entry);
      if (serverId && runMs !== null) this.deps.book.recordRunTime(serverId, runMs);
      await this.deps.table.move(t, MoveTo.succeeded(outputs));
    } else if (entry.outcome === 'interrupted') {
      if (t.cancelRequested) await this.deps.table.move(t, MoveTo.cancelled(t.cancelRequested));
      else await this.deps.table.move(t, MoveTo.interrupted(`interrupted on ${server?.name ?? serverId} by someone other than this console`));
    } else {
      const e = entry.error;
      await this.deps.table.move(
        t,
        MoveTo.failed({
          code: 'execution',
          message: e ? `${server?.name ?? serverId}: node ${e.nodeId} (${e.nodeType}) failed: ${e.exceptionType}: ${e.message}` : `${server?.name ?? serverId} reported an error without details`,
          nodeErrors: e ? [{ nodeId: e.nodeId, classType: e.nodeType, message: `${e.exceptionType}: ${e.message}` }] : undefined,
        }),
      );
    }
  }

  private nameOf(id: ServerId | null): string {
    return (id && this.deps.fleet.get(id)?.name) || id || 'its server';
  }
}

/** Run time from the server's own timestamps (start → end), immune to our clock and network. */
function runTimeOf(entry: HistoryEntry): number | null {
  const at = (event: string) => {
    const m = entry.messages.find((x) => x.event === event);
    const ts = (m?.data as { timestamp?: unknown } | undefined)?.timestamp;
    return typeof ts === 'number' ? ts : null;
  };
  const start = at('execution_start');
  const end = at('execution_success');
  return start !== null && end !== null && end >= start ? end - start : null;
}
