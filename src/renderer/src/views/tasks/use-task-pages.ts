import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiError, Result } from '../../../../shared/api';
import type { LiveTaskPage, LiveTaskView, TaskQuery } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { engineOpensNow, useReissueOnOpen, type Stall } from '../../sync/use-engine';
import { filtersKey, type TaskFilters } from './task-filters';
import { appendPage } from './task-rows';

export const PAGE_SIZE = 200;

interface Pages {
  /** The filters these pages answer; pages of other filters are never shown. */
  key: string;
  /** Rows as `tasks.list` answers them: each with its live waiting reason. */
  items: LiveTaskView[];
  total: number | null;
  done: boolean;
  loading: boolean;
  error: ApiError | null;
  /** A page asked for while the engine link was down: it goes again when the link opens. */
  stall: PageStall | null;
}

interface PageStall extends Stall {
  after: string | null;
  generation: number;
}

const EMPTY: Omit<Pages, 'key'> = { items: [], total: null, done: false, loading: true, error: null, stall: null };

/**
 * Pages of `tasks.list` for the filters, newest first (S4): the first page on a filter change,
 * the next one when the table asks (the operator scrolled near the end). Answers to an older
 * filter set or an older reload are dropped by generation.
 */
export function useTaskPages(filters: TaskFilters) {
  const api = useFleetApi();
  const [pages, setPages] = useState<Pages>({ ...EMPTY, key: '' });
  // Mutable paging state lives in refs: it steers fetches and is never rendered.
  const generation = useRef(0);
  const cursor = useRef<string | null>(null);
  const busy = useRef(false);
  // The key stands for the filters: a new object with the same filters must not refetch.
  const key = filtersKey(filters);
  const base = useMemo(() => JSON.parse(key) as TaskQuery, [key]);

  const request = useCallback((after: string | null) => api.call('tasks.list', { ...base, limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) }), [api, base]);

  const apply = useCallback(
    (after: string | null, gen: number, opens: number, result: Result<LiveTaskPage>) => {
      if (gen !== generation.current) return;
      if (!result.ok && result.error.code === 'disconnected') {
        // Not answered, only not sent (the view opened before the link did, or it dropped):
        // the page stays on its way (busy) and is asked again once the link opens.
        setPages((prev) => ({ ...(prev.key === key ? prev : EMPTY), key, loading: true, error: null, stall: { after, generation: gen, opens } }));
        return;
      }
      busy.current = false;
      if (!result.ok) {
        setPages((prev) => ({ ...(prev.key === key ? prev : EMPTY), key, loading: false, error: result.error, stall: null }));
        return;
      }
      cursor.current = result.value.nextCursor;
      setPages((prev) => ({
        key,
        items: after === null || prev.key !== key ? result.value.items : appendPage(prev.items, result.value.items),
        total: result.value.total,
        done: result.value.nextCursor === null,
        loading: false,
        error: null,
        stall: null,
      }));
    },
    [key],
  );

  const fetchPage = useCallback(
    (after: string | null) => {
      const gen = generation.current;
      // Taken before asking: an open that comes after this moment sends a stalled page again.
      const opens = engineOpensNow();
      busy.current = true;
      void request(after).then((result) => apply(after, gen, opens, result));
    },
    [request, apply],
  );

  useEffect(() => {
    generation.current += 1;
    cursor.current = null;
    fetchPage(null);
  }, [fetchPage]);

  const reload = useCallback(() => {
    generation.current += 1;
    setPages((prev) => ({ ...prev, loading: true }));
    fetchPage(null);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || cursor.current === null) return;
    setPages((prev) => ({ ...prev, loading: true }));
    fetchPage(cursor.current);
  }, [fetchPage]);

  // Until the first page of new filters arrives, show nothing rather than the old filters' rows.
  const current = pages.key === key ? pages : { ...EMPTY, key };
  const reissue = useCallback(
    (stall: PageStall) => {
      // A reload or new filters since then asked anew; this one is no longer wanted.
      if (stall.generation === generation.current) fetchPage(stall.after);
    },
    [fetchPage],
  );
  useReissueOnOpen(current.stall, reissue);
  return { ...current, waiting: current.stall !== null, loadMore, reload };
}
