import type { CancelResult } from '../../../shared/api';
import type { ServerId, ServerView } from '../../../shared/fleet';
import type { TaskId } from '../../../shared/tasks';
import type { ComfyClient } from '../comfy/comfy-client';
import { messageOf } from '../core/error-message';
import { MoveTo } from '../tasks/move-to';
import type { Outcomes } from './outcomes';
import { lookUpPrompt } from './prompt-lookup';
import type { TaskQueue } from './task-queue';
import type { TaskTable } from './task-table';

export interface CancelTaskDeps {
  table: Pick<TaskTable, 'serial' | 'move' | 'note'>;
  queue: Pick<TaskQueue, 'remove'>;
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): Pick<ComfyClient, 'deleteQueued' | 'interrupt' | 'history' | 'queue'> };
  /** A prompt that finished before the cancel reached it ends as its history says. */
  outcomes: Pick<Outcomes, 'finish'>;
}

/**
 * T7: waiting in our queue → removed; pending on the server → deleted there; running →
 * interrupted there (the outcome then arrives as events). Null when the task is not live here.
 */
export class CancelTask {
  constructor(private readonly deps: CancelTaskDeps) {}

  cancel(id: TaskId, reason: string): Promise<CancelResult | null> {
    const { table } = this.deps;
    return table.serial(id, async (t): Promise<CancelResult> => {
      if (t.view.status === 'queued') {
        // Out of the queue before the write, so no pass can place it meanwhile.
        this.deps.queue.remove(id);
        await table.move(t, MoveTo.cancelled(reason));
        return { task: t.view, state: 'done' };
      }
      const server = this.deps.fleet.get(t.view.serverId ?? '');
      const promptId = t.view.promptId as string;
      t.cancelRequested = reason;
      if (!server) {
        await table.move(t, MoveTo.cancelled(`${reason} (its server was removed from the fleet)`));
        return { task: t.view, state: 'done' };
      }
      const client = this.deps.fleet.clientFor(server.id);
      try {
        await client.deleteQueued([promptId]);
        const seen = await lookUpPrompt(client, promptId);
        if (seen.where === 'absent') {
          // Deleted while pending: it will never run, appear in history or send an event.
          await table.move(t, MoveTo.cancelled(reason));
          return { task: t.view, state: 'done' };
        }
        if (seen.where === 'finished') {
          await this.deps.outcomes.finish(t, seen.entry);
          return { task: t.view, state: 'done' };
        }
        await client.interrupt(promptId);
        await table.note(t, 'info', `asked ${server.name} to interrupt prompt ${promptId}: ${reason}`);
        return { task: t.view, state: 'requested' };
      } catch (err) {
        await table.note(t, 'warning', `cancel requested but ${server.name} did not answer (${messageOf(err)}); it ends as cancelled when the server is reached or lost`);
        return { task: t.view, state: 'requested' };
      }
    });
  }
}
