import { useCallback, useEffect, useState } from 'react';
import type { ApiError, CommandName, CommandResult } from '../../../../shared/api';
import { useFleetApi } from '../../components/api-context';
import { useEngineOpens } from '../../sync/use-engine';

/**
 * Loads one argument-less read command on mount and again on each (re)connection of the engine
 * link (a load sent before the link opened fails as `disconnected`: the banner says why, and it
 * goes again once the link is back); `reload` fetches it again.
 */
export function useLoaded<K extends 'settings.get' | 'types.list'>(name: K & CommandName) {
  const api = useFleetApi();
  const [value, setValue] = useState<CommandResult<K> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const opens = useEngineOpens();
  useEffect(() => {
    let cancelled = false;
    void api.call(name, {}).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setValue(r.value as CommandResult<K>);
        setError(null);
      } else if (r.error.code !== 'disconnected') setError(r.error);
    });
    return () => {
      cancelled = true;
    };
  }, [api, name, generation, opens]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { value, setValue, error, reload };
}
