import type { LogLine } from '../../../../shared/api';

/** Lines the log view keeps; the store keeps its own bounded tail. */
export const LOG_VIEW_KEPT = 2_000;

/**
 * The `log.tail` prefill and the store's live lines as one list in seq order, each line once
 * (the two overlap: lines that arrived while the tail was fetched are in both).
 */
export function mergeLog(tail: readonly LogLine[], live: readonly LogLine[], keep = LOG_VIEW_KEPT): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const line of tail) bySeq.set(line.seq, line);
  for (const line of live) bySeq.set(line.seq, line);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return merged.length > keep ? merged.slice(-keep) : merged;
}

/** Whether a scroll box is at its end (within a few pixels), i.e. the view should follow new lines. */
export const isAtBottom = (el: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = 24): boolean => el.scrollHeight - el.scrollTop - el.clientHeight <= slack;

/** Audit targets that are task ids link to the task (U7): the actions that act on one task. */
export const targetIsTask = (action: string): boolean => action.startsWith('task.');
