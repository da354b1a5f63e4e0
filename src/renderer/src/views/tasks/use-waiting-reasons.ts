import { useEffect, useRef, useState } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import type { TaskRow } from './task-rows';

/** Rows must stay on screen this long before their reasons are asked: a fast scroll asks nothing. */
const SETTLE_MS = 250;

/**
 * Why each queued row on screen is still waiting, for rows whose reason is not known here.
 *
 * The reason (L6 "waiting on lock", no free slot…) lives only in the engine's dispatcher: it
 * reaches the window in live `task.upsert` deltas when it changes, but `tasks.list` answers
 * ledger rows without it. So after a reload a task that has waited with the same reason since
 * is blank until its reason changes. `tasks.get` does carry it: it is asked once per shown
 * version of such a row (a later delta brings the task's own reason, which then wins).
 */
export function useWaitingReasons(visible: readonly TaskRow[]): ReadonlyMap<TaskId, string | null> {
  const api = useFleetApi();
  const [reasons, setReasons] = useState<ReadonlyMap<TaskId, string | null>>(new Map());
  // `id:version` asked already (or on their way): each version is asked at most once.
  const asked = useRef(new Set<string>());
  const wanted = visible.filter((r) => r.status === 'queued' && r.waiting === undefined).map((r) => `${r.id}:${r.version}`);
  // One string for the effect's dependency: the same rows on screen ask nothing new.
  const wantedKey = JSON.stringify(wanted);

  useEffect(() => {
    const todo = (JSON.parse(wantedKey) as string[]).filter((k) => !asked.current.has(k));
    if (todo.length === 0) return;
    const timer = setTimeout(() => {
      for (const k of todo) {
        asked.current.add(k);
        const id = k.slice(0, k.lastIndexOf(':'));
        void api.call('tasks.get', { id }).then((r) => {
          // Not answered (link down, task purged): ask again when the row next shows.
          if (!r.ok) {
            asked.current.delete(k);
            return;
          }
          // The engine merges the dispatcher's reason into the task it answers (not in the type).
          const waiting = (r.value.task as TaskRow).waiting;
          setReasons((prev) => new Map(prev).set(id, typeof waiting === 'string' ? waiting : null));
        });
      }
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [api, wantedKey]);
  return reasons;
}
