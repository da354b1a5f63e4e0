import { useEffect, useState } from 'react';
import type { TaskPolicy } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { useEngineOpens } from '../../sync/use-engine';

/** Task types and their policies (T2), fetched per view and on each (re)connection; an empty list when the engine has no ledger. */
export function useTaskTypes(): TaskPolicy[] {
  const api = useFleetApi();
  const [types, setTypes] = useState<TaskPolicy[]>([]);
  const opens = useEngineOpens();
  useEffect(() => {
    let live = true;
    void api.call('types.list', {}).then((r) => {
      if (live && r.ok) setTypes(r.value);
    });
    return () => {
      live = false;
    };
  }, [api, opens]);
  return types;
}
