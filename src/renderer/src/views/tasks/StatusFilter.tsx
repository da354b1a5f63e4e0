import type { TaskCountScope, TaskStatus } from '../../../../shared/tasks';
import { ALL_STATUSES } from './task-filters';
import { statusTone } from './task-status';
import { useScopedCounts } from './use-scoped-counts';

interface Props {
  selected: TaskStatus[];
  /** The other filters the counts follow: server, type, session and the search. */
  scope: TaskCountScope;
  onChange(statuses: TaskStatus[]): void;
}

/** The status filter (multi) as toggle buttons that also show the live count per status. */
export function StatusFilter({ selected, scope, onChange }: Props) {
  const counts = useScopedCounts(scope);
  const toggle = (status: TaskStatus) => onChange(selected.includes(status) ? selected.filter((s) => s !== status) : [...selected, status]);
  return (
    <div className="status-filter" role="group" aria-label="Filter by status" title="Counts follow the server, type and session filters and the search">
      {ALL_STATUSES.map((status) => (
        <button
          key={status}
          type="button"
          className={`status-chip tone-${statusTone(status)}`}
          aria-pressed={selected.includes(status)}
          onClick={() => toggle(status)}
          data-testid={`count-${status}`}
        >
          <span className="status-chip-label">{status}</span>
          <span className="status-chip-count">{counts ? counts[status] : '–'}</span>
        </button>
      ))}
      {selected.length > 0 && (
        <button type="button" className="btn btn-quiet btn-neutral" onClick={() => onChange([])}>
          any status
        </button>
      )}
    </div>
  );
}
