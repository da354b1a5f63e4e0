import type { CancelResult, UnlockChoice, UnlockResult } from '../../../shared/api';
import type { ServerId, ServerView } from '../../../shared/fleet';
import type { SessionId, TaskId, TaskPolicy } from '../../../shared/tasks';
import type { ComfyClient } from '../comfy/comfy-client';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { LiveTask, TaskTable } from '../dispatch/task-table';
import type { Store } from '../store/store';
import type { SessionLocks } from './session-locks';

type UnlockedTask = UnlockResult['tasks'][number];

/** What force-unlock does to a session's unfinished tasks, each through the stage that owns it. */
export interface UnlockTaskActions {
  /** T7 cancel; null when the task is not live in this console. */
  cancel(id: TaskId, reason: string): Promise<CancelResult | null>;
  /** Back to the queue as a new attempt; `mayRunTwice` adds the T9 warning; an operator's requeue keeps the retry budget. */
  requeue(t: LiveTask, reason: string, mayRunTwice: boolean, by: 'operator'): Promise<void>;
  policyOf(type: string): TaskPolicy;
}

export interface ForceUnlockDeps {
  locks: Pick<SessionLocks, 'forceRelease'>;
  store: Pick<Store, 'listTasks'>;
  table: Pick<TaskTable, 'serial'>;
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): Pick<ComfyClient, 'deleteQueued' | 'interrupt'> };
  tasks: UnlockTaskActions;
  /** Placement looks at the queue again once the session is free. */
  replan: () => void;
  log: Logger;
}

/**
 * L4: breaks a session's lock (audited with the reason) and does the operator's choice to each
 * of its unfinished tasks: requeue (only where its policy still allows a requeue), cancel, or
 * leave it where it is.
 */
export class ForceUnlock {
  constructor(private readonly deps: ForceUnlockDeps) {}

  async unlock(sessionId: SessionId, reason: string, choice: UnlockChoice, actor: string): Promise<UnlockResult> {
    const lock = await this.deps.locks.forceRelease(sessionId, { actor, reason, details: { unfinished: choice } });
    const page = await this.deps.store.listTasks({ sessionId, status: ['queued', 'dispatched', 'running'], limit: 1_000 });
    const why = `force-unlock by ${actor}: ${reason}`;
    const tasks: UnlockedTask[] = [];
    for (const task of page.items) {
      if (choice === 'leave') tasks.push({ id: task.id, outcome: 'left', note: `left ${task.status}` });
      else if (choice === 'cancel') tasks.push(await this.cancel(task.id, why));
      else tasks.push(await this.requeue(task.id, why));
    }
    this.deps.replan();
    return { lock, tasks };
  }

  private async cancel(id: TaskId, reason: string): Promise<UnlockedTask> {
    const r = await this.deps.tasks.cancel(id, reason).catch((err: unknown) => err as Error);
    if (r instanceof Error || r === null) return { id, outcome: 'refused', note: r instanceof Error ? r.message : 'not live in this console' };
    return { id, outcome: 'cancelled', note: r.state === 'done' ? 'cancelled' : 'cancel requested from its server' };
  }

  private async requeue(id: TaskId, reason: string): Promise<UnlockedTask> {
    const r = await this.deps.table.serial(id, async (t: LiveTask): Promise<UnlockedTask> => {
      if (t.view.status === 'queued') return { id, outcome: 'requeued', note: 'was waiting in the queue; it stays there and may go to any healthy server' };
      // Stop it where it is first, so the new attempt is the only one; if its server does not
      // answer, the requeue carries the may-run-twice warning. The operator asked for it: it is
      // not a lost server, so the task type's retry limit neither refuses nor counts it.
      const stopped = await this.stopOnServer(t);
      const server = t.view.serverId ? (this.deps.fleet.get(t.view.serverId)?.name ?? t.view.serverId) : 'its server';
      await this.deps.tasks.requeue(t, reason, !stopped, 'operator');
      const where = `it starts again from the beginning on any healthy server, ${server} included`;
      return { id, outcome: 'requeued', note: stopped ? `stopped on ${server} and requeued; ${where}` : `${server} did not answer; requeued, it may run twice; ${where}` };
    });
    return r ?? { id, outcome: 'refused', note: 'not live in this console (another console holds it, or it just ended)' };
  }

  private async stopOnServer(t: LiveTask): Promise<boolean> {
    const server = t.view.serverId ? this.deps.fleet.get(t.view.serverId) : undefined;
    const promptId = t.view.promptId;
    if (!server || !promptId) return false;
    const client = this.deps.fleet.clientFor(server.id);
    try {
      await client.deleteQueued([promptId]);
      await client.interrupt(promptId);
      return true;
    } catch (err) {
      this.deps.log.verbose(`task ${t.view.id}: could not stop prompt ${promptId} on ${server.name}: ${messageOf(err)}`);
      return false;
    }
  }
}
