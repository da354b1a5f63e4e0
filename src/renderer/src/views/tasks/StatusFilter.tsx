import type { TaskCounts, TaskStatus } from '../../../../shared/tasks';
import { useFleetStore } from '../../store/fleet/store';
import { selectCounts } from '../../store/fleet/slices/live/selectors';
import { ALL_STATUSES } from './task-filters';
import { statusTone } from './task-status';

interface Props {
  selected: TaskStatus[];
  onChange(statuses: TaskStatus[]): void;
}

/** The status filter (multi) as toggle buttons that also show the live count per status. */
export function StatusFilter({ selected, onChange }: Props) {
  const counts: TaskCounts | null = useFleetStore(selectCounts);
  const toggle = (status: TaskStatus) => onChange(selected.includes(status) ? selected.filter((s) => s !== status) : [...selected, status]);
  return (
    <div className="status-filter" role="group" aria-label="Filter by status" title="Counts are of all tasks in the ledger, not only those matching the other filters">
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
