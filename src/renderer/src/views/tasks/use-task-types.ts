import { useEffect, useState } from 'react';
import type { TaskPolicy } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';

/** Task types and their policies (T2), fetched once per view; an empty list when the engine has no ledger. */
export function useTaskTypes(): TaskPolicy[] {
  const api = useFleetApi();
  const [types, setTypes] = useState<TaskPolicy[]>([]);
  useEffect(() => {
    let live = true;
    void api.call('types.list', {}).then((r) => {
      if (live && r.ok) setTypes(r.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return types;
}
