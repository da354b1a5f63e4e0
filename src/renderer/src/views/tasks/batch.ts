import type { ApiError, FleetApi, Result } from '../../../../shared/api';
import type { TaskId, TaskPage } from '../../../../shared/tasks';
import { filtersToQuery, type TaskFilters } from './task-filters';

export type BatchAction = 'cancel' | 'rerun';

/** Which tasks a batch acts on: rows ticked one by one, or every task matching the filters. */
export type BatchTarget = { kind: 'ids'; ids: TaskId[] } | { kind: 'matching'; filters: TaskFilters; total: number };

/** Refusals grouped by error code; one example message per group is enough to act on. */
export interface BatchSummary {
  done: number;
  refused: { code: string; count: number; example: string; ids: TaskId[] }[];
}

/** How many ids of a refusal group are kept for the operator to look at. */
const IDS_KEPT = 5;

export const emptySummary = (): BatchSummary => ({ done: 0, refused: [] });

/** Adds one result to a summary. Pure; the engine's message is kept as-is. */
export function addResult(summary: BatchSummary, id: TaskId, result: Result<unknown>): BatchSummary {
  if (result.ok) return { ...summary, done: summary.done + 1 };
  const error: ApiError = result.error;
  const refused = summary.refused.map((g) => ({ ...g }));
  const group = refused.find((g) => g.code === error.code);
  if (group) {
    group.count += 1;
    if (group.ids.length < IDS_KEPT) group.ids.push(id);
  } else {
    refused.push({ code: error.code, count: 1, example: error.message, ids: [id] });
  }
  return { ...summary, refused };
}

const PAGE = 200;
/** A few calls at a time: fast enough for hundreds of tasks, gentle on a 2-core engine. */
const PARALLEL = 4;

async function actOn(api: FleetApi, action: BatchAction, id: TaskId): Promise<Result<unknown>> {
  return action === 'cancel' ? api.call('tasks.cancel', { id, reason: 'batch cancel from the Tasks view' }) : api.call('tasks.rerun', { id });
}

/**
 * Runs a batch. For "every matching task" it pages through `tasks.list` and acts on each page
 * before fetching the next, so no more than a page of tasks is held at once (S4). The cursor
 * orders by creation, so cancelling rows of a page does not shift the next one.
 */
export async function runBatch(api: FleetApi, action: BatchAction, target: BatchTarget, onProgress: (s: BatchSummary) => void): Promise<BatchSummary> {
  let summary = emptySummary();
  const actOnAll = async (ids: TaskId[]) => {
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const chunk = ids.slice(i, i + PARALLEL);
      const results = await Promise.all(chunk.map((id) => actOn(api, action, id)));
      chunk.forEach((id, k) => (summary = addResult(summary, id, results[k] as Result<unknown>)));
      onProgress(summary);
    }
  };
  if (target.kind === 'ids') {
    await actOnAll(target.ids);
    return summary;
  }
  let cursor: string | null = null;
  do {
    const page: Result<TaskPage> = await api.call('tasks.list', filtersToQuery(target.filters, PAGE, cursor));
    if (!page.ok) {
      summary = addResult(summary, '(list)', page);
      onProgress(summary);
      break;
    }
    await actOnAll(page.value.items.map((t) => t.id));
    cursor = page.value.nextCursor;
  } while (cursor);
  return summary;
}
