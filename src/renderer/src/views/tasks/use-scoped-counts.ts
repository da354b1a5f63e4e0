import { useEffect, useState } from 'react';
import type { TaskCounts, TaskCountScope } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { selectCounts } from '../../store/fleet/slices/live/selectors';
import { useFleetStore } from '../../store/fleet/store';
import { useEngineOpens } from '../../sync/use-engine';

/**
 * Tasks per status within the server/type/session filters and the search. Unscoped, the engine's
 * pushed counts; scoped, the ledger's, asked again whenever the pushed counts move (at most once
 * a second).
 */
export function useScopedCounts(scope: TaskCountScope): TaskCounts | null {
  const api = useFleetApi();
  const all = useFleetStore(selectCounts);
  const opens = useEngineOpens();
  const [scoped, setScoped] = useState<{ key: string; counts: TaskCounts } | null>(null);
  const key = JSON.stringify([scope.serverId ?? null, scope.type ?? null, scope.sessionId ?? null, scope.search ?? null]);
  const unscoped = !scope.serverId && !scope.type && !scope.sessionId && !scope.search;
  useEffect(() => {
    if (unscoped) return;
    let stale = false;
    void api.call('tasks.counts', scope).then((r) => {
      if (!stale && r.ok) setScoped({ key, counts: r.value });
    });
    return () => {
      stale = true;
    };
    // `scope` is read through `key`: a new object with the same filters asks nothing new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, unscoped, all, opens]);
  if (unscoped) return all;
  return scoped?.key === key ? scoped.counts : null;
}
