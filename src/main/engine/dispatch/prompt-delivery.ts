import type { ServerView } from '../../../shared/fleet';
import type { TaskError } from '../../../shared/tasks';
import type { ComfyClient } from '../comfy/comfy-client';
import { ComfyHttpError, PromptRejectedError } from '../comfy/errors';
import type { Clock } from '../core/clock';
import { messageOf } from '../core/error-message';
import type { Store } from '../store/store';
import type { PromptWhereabouts } from './prompt-lookup';
import { lookUpPrompt } from './prompt-lookup';
import type { ServerBook } from './server-book';
import type { LiveTask, TaskTable } from './task-table';

/** What a POST of the task's current prompt came to; what to do about it is the caller's. */
export type Delivery =
  | { kind: 'accepted' }
  /** The server will never run it: a validation error (T10), or a server too old for our ids. */
  | { kind: 'refused'; error: TaskError }
  /** It certainly did not reach the server (connection refused, …): nothing can run twice. */
  | { kind: 'undelivered'; reason: string }
  /** The answer was unclear (timeout, 5xx); this is what the server said when asked after. */
  | { kind: 'unclear'; seen: PromptWhereabouts };

export type DeliveryClient = Pick<ComfyClient, 'submitPrompt' | 'deleteQueued' | 'history' | 'queue'>;

export interface PromptDeliveryDeps {
  table: Pick<TaskTable, 'note'>;
  workflows: Pick<Store, 'getWorkflow'>;
  book: Pick<ServerBook, 'posted' | 'accepted'>;
  clock: Clock;
  /** The console's clientId: every prompt is submitted with it so its events come to our socket. */
  clientId: string;
  submitTimeoutMs: number;
  /** After an unclear POST, how long to wait before a prompt that is nowhere counts as not delivered. */
  settleMs: number;
}

/**
 * T4: POSTs a task's current prompt under the console's own prompt_id and says what became of
 * it. An unclear answer is settled by asking the server's /history and /queue (twice,
 * `settleMs` apart, before "absent" is believed), never by posting again blindly.
 */
export class PromptDelivery {
  constructor(private readonly deps: PromptDeliveryDeps) {}

  /** `client` is the server's as it was when the task was committed to it. */
  async deliver(t: LiveTask, server: ServerView, client: DeliveryClient): Promise<Delivery> {
    const promptId = t.view.promptId;
    if (!promptId) throw new Error(`task ${t.view.id} has no prompt_id to submit`);
    const workflow = t.workflow ?? (await this.deps.workflows.getWorkflow(t.view.id));
    if (!workflow) throw new Error(`task ${t.view.id} has no workflow in the ledger`);
    t.lastEventAt = this.deps.clock.now();
    t.posts++;
    try {
      const accepted = await client.submitPrompt({ prompt: workflow, promptId, clientId: this.deps.clientId }, { timeoutMs: this.deps.submitTimeoutMs });
      this.deps.book.posted(server.id, t.view.id);
      this.deps.book.accepted(server.id);
      t.confirmed = true;
      t.workflow = null;
      if (accepted.promptId !== promptId) {
        // A server older than client-chosen ids queued it under its own id: we could not track it.
        await client.deleteQueued([accepted.promptId]).catch(() => undefined);
        return { kind: 'refused', error: { code: 'unsupported_server', message: `server "${server.name}" ignored the console's prompt_id (it queued ${accepted.promptId}); it is too old for exactly-once submission. Update ComfyUI there` } };
      }
      await this.deps.table.note(t, 'info', `submitted to ${server.name} as prompt ${promptId} (attempt ${t.view.attempt})`);
      return { kind: 'accepted' };
    } catch (err) {
      this.deps.book.posted(server.id, t.view.id);
      if (err instanceof PromptRejectedError) {
        // T10: the server's validation names the nodes; running it again cannot help.
        return {
          kind: 'refused',
          error: {
            code: 'validation',
            message: err.message,
            nodeErrors: err.nodeErrors.flatMap((n) => n.errors.map((e) => ({ nodeId: n.nodeId, classType: n.classType, message: e.inputName ? `input "${e.inputName}": ${e.message}` : e.message }))),
          },
        };
      }
      if (err instanceof ComfyHttpError && err.delivered === 'no') return { kind: 'undelivered', reason: `not delivered to ${server.name}: ${err.message}` };
      // The POST may have reached the server (timeout, 5xx, cut connection): ask it (T4).
      await this.deps.table.note(t, 'warning', `submission to ${server.name} unclear (${messageOf(err)}); asking the server before deciding`);
      return { kind: 'unclear', seen: await this.settle(client, promptId) };
    }
  }

  /** Found → tracked as usual; absent twice, `settleMs` apart → it never arrived. */
  private async settle(client: Pick<ComfyClient, 'history' | 'queue'>, promptId: string): Promise<PromptWhereabouts> {
    const seen = await lookUpPrompt(client, promptId);
    if (seen.where !== 'absent') return seen;
    await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, this.deps.settleMs));
    return lookUpPrompt(client, promptId);
  }
}
