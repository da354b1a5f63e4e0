import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, TaskDetail } from '../../../../shared/api';
import type { TaskId } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { useFleetStore } from '../../store/fleet/store';
import { engineOpensNow, useReissueOnOpen, type Stall } from '../../sync/use-engine';

/** At most one refetch per this long, however fast progress events come. */
const REFRESH_MS = 700;

interface DetailState {
  detail: TaskDetail | null;
  error: ApiError | null;
  /** The last fetch went out while the engine link was down: it goes again when the link opens. */
  stall: Stall | null;
}

/**
 * `tasks.get` for one task, fetched again when the store sees a newer version of it (a live
 * upsert), so events and attempts follow the task without a poll.
 */
export function useTaskDetail(id: TaskId) {
  const api = useFleetApi();
  const [state, setState] = useState<DetailState>({ detail: null, error: null, stall: null });
  const liveVersion = useFleetStore((s) => s.tasks[id]?.version ?? 0);
  const lastFetch = useRef(0);

  const fetchNow = useCallback(() => {
    lastFetch.current = Date.now();
    const opens = engineOpensNow();
    void api.call('tasks.get', { id }).then((r) => {
      setState((prev) => {
        if (!r.ok) return r.error.code === 'disconnected' ? { ...prev, stall: { opens } } : { detail: prev.detail, error: r.error, stall: null };
        // An answer that overtook a later one must not roll the view back.
        if (prev.detail && prev.detail.task.version > r.value.task.version) return prev;
        return { detail: r.value, error: null, stall: null };
      });
    });
  }, [api, id]);

  const shownVersion = state.detail?.task.version ?? -1;
  useEffect(() => {
    if (state.detail && liveVersion <= shownVersion) return;
    // Rescheduled on every newer version, but always for the same moment: one fetch per REFRESH_MS.
    const timer = setTimeout(fetchNow, Math.max(0, lastFetch.current + REFRESH_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [liveVersion, shownVersion, state.detail, fetchNow]);
  useReissueOnOpen(state.stall, fetchNow);

  return { detail: state.detail, error: state.error, waiting: state.stall !== null && state.detail === null, reload: fetchNow };
}
