import type { HistoryEntry } from '../comfy/comfy-schemas';
import type { ComfyClient } from '../comfy/comfy-client';

/** Where a prompt is on its server, as `/history/{id}` and `/queue` tell (T4, T5). */
export type PromptWhereabouts =
  | { where: 'finished'; entry: HistoryEntry }
  | { where: 'running' }
  | { where: 'pending' }
  /** The server answered both calls and knows nothing of the prompt. */
  | { where: 'absent' }
  /** The server did not answer; nothing can be concluded. */
  | { where: 'unknown'; error: string };

/**
 * History first: an entry there is final and nothing more needs to be awaited (T5). Then the
 * queue. Only when both answered and neither has it is the prompt absent — the one verdict
 * that allows a resubmission (T4).
 */
export async function lookUpPrompt(client: Pick<ComfyClient, 'history' | 'queue'>, promptId: string): Promise<PromptWhereabouts> {
  try {
    const entry = await client.history(promptId);
    if (entry) return { where: 'finished', entry };
    const q = await client.queue();
    if (q.running.some((i) => i.promptId === promptId)) return { where: 'running' };
    if (q.pending.some((i) => i.promptId === promptId)) return { where: 'pending' };
    // The job may have finished between the two calls: history has the last word.
    const late = await client.history(promptId);
    return late ? { where: 'finished', entry: late } : { where: 'absent' };
  } catch (err) {
    return { where: 'unknown', error: err instanceof Error ? err.message : String(err) };
  }
}
