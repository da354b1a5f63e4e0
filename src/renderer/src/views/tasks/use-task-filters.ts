import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { filtersOfHash, filtersToHashQuery, tasksHash } from './task-filters-url';
import { NO_FILTERS, type TaskFilters } from './task-filters';
import { useDebounced } from './use-debounced';

type Typed = Pick<TaskFilters, 'search' | 'sessionId'>;

/**
 * U2's filters, kept in the address (`#/tasks?status=…&key=…`): the view opens with the
 * filters of its address, writes each settled change back (replacing the history entry, so
 * typing a search does not fill the back button), and follows an address pasted or linked
 * while it is open. `onChange` runs on every change, from the operator or the address.
 *
 * Typed filters (search, session) reach `filters` once typing pauses, 300 ms: one fetch, not
 * one per key; `shown` is what the inputs hold meanwhile.
 */
export function useTaskFilters(onChange: () => void): { filters: TaskFilters; shown: TaskFilters; change(patch: Partial<TaskFilters>): void } {
  const [start] = useState<TaskFilters>(() => filtersOfHash(window.location.hash) ?? NO_FILTERS);
  const [base, setBase] = useState<TaskFilters>(start);
  const [typed, setTyped] = useState<Typed>(() => ({ search: start.search, sessionId: start.sessionId }));
  const settled = useDebounced(typed, 300);
  const filters = useMemo<TaskFilters>(() => ({ ...base, ...settled }), [base, settled]);
  const shown = useMemo<TaskFilters>(() => ({ ...filters, ...typed }), [filters, typed]);
  const query = filtersToHashQuery(filters);
  // What the address holds for us: an address equal to it is our own write, not a new link.
  const written = useRef(query);

  const change = useCallback(
    (patch: Partial<TaskFilters>) => {
      const { search, sessionId, ...chosen } = patch;
      if (search !== undefined || sessionId !== undefined) setTyped((prev) => ({ search: search ?? prev.search, sessionId: sessionId ?? prev.sessionId }));
      if (Object.keys(chosen).length > 0) setBase((prev) => ({ ...prev, ...chosen }));
      onChange();
    },
    [onChange],
  );

  // Settled filters go to the address. Not while typing: the typed text is not the filter yet.
  const typing = typed !== settled;
  useEffect(() => {
    if (typing) return;
    written.current = query;
    // Only over the tasks list's own address: a click away may land before this runs.
    if (filtersOfHash(window.location.hash) === null) return;
    const next = tasksHash(filters);
    if (window.location.hash !== next) window.history.replaceState(window.history.state, '', next);
  }, [query, typing, filters]);

  // A link to other filters opened while the view is up (or the Tasks tab, which has none).
  useEffect(() => {
    const onHash = () => {
      const wanted = filtersOfHash(window.location.hash);
      if (!wanted || filtersToHashQuery(wanted) === written.current) return;
      written.current = filtersToHashQuery(wanted);
      setBase(wanted);
      // The typed text too: until its debounce settles, nothing is written back (see `typing`).
      setTyped({ search: wanted.search, sessionId: wanted.sessionId });
      onChange();
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [onChange]);

  return { filters, shown, change };
}
