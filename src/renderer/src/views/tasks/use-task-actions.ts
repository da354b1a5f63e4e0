import { useMemo } from 'react';
import type { CancelResult, Result } from '../../../../shared/api';
import type { SubmitOutcome, TaskId } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';

export interface TaskActions {
  cancel(id: TaskId, reason?: string): Promise<Result<CancelResult>>;
  /** T8; `force` with a reason for a succeeded `once` task the engine refused (`rerun_refused`). */
  rerun(id: TaskId, force?: { reason: string }): Promise<Result<SubmitOutcome>>;
}

/** Cancel and re-run as the table and the detail view both offer them. */
export function useTaskActions(): TaskActions {
  const api = useFleetApi();
  return useMemo(
    () => ({
      cancel: (id, reason) => api.call('tasks.cancel', { id, reason: reason ?? 'cancelled from the console' }),
      rerun: (id, force) => api.call('tasks.rerun', force ? { id, force: true, reason: force.reason } : { id }),
    }),
    [api],
  );
}
