import type { ServerId, ServerView } from '../../../shared/fleet';
import type { ComfyClient } from '../comfy/comfy-client';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';

export interface AbandonedPromptsDeps {
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): Pick<ComfyClient, 'deleteQueued' | 'queue' | 'interrupt'> };
  log: Logger;
}

/**
 * Prompts of requeued attempts whose server could not be told to drop them (it was down). When
 * the server is reachable again they are deleted or interrupted there, so the old attempt
 * cannot run beside the new one (T9).
 */
export class AbandonedPrompts {
  private readonly byServer = new Map<ServerId, Set<string>>();

  constructor(private readonly deps: AbandonedPromptsDeps) {}

  add(serverId: ServerId, promptId: string): void {
    const set = this.byServer.get(serverId) ?? new Set<string>();
    set.add(promptId);
    this.byServer.set(serverId, set);
  }

  has(serverId: ServerId, promptId: string): boolean {
    return this.byServer.get(serverId)?.has(promptId) ?? false;
  }

  /** Deletes (pending) or interrupts (running) the abandoned prompts of a server that answers again. */
  async drop(serverId: ServerId): Promise<void> {
    const set = this.byServer.get(serverId);
    const server = this.deps.fleet.get(serverId);
    if (!set?.size || !server) return;
    const client = this.deps.fleet.clientFor(serverId);
    const ids = [...set];
    try {
      await client.deleteQueued(ids);
      const q = await client.queue();
      for (const item of q.running) if (set.has(item.promptId)) await client.interrupt(item.promptId);
      for (const id of ids) set.delete(id);
      this.deps.log.info(`server "${server.name}": dropped ${ids.length} prompt(s) of requeued attempts so they cannot run twice`);
    } catch (err) {
      this.deps.log.verbose(`server "${server.name}": could not drop abandoned prompts yet: ${messageOf(err)}`);
    }
  }
}
