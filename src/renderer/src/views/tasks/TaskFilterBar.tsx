import type { TaskFilters } from './task-filters';
import { ServerSelect } from './ServerSelect';
import { useTaskTypes } from './use-task-types';

interface Props {
  /** The filters as chosen and typed (the query gets typed text debounced). */
  filters: TaskFilters;
  onChange(patch: Partial<TaskFilters>): void;
}

/** Server, type and session filters and the id/key search. */
export function TaskFilterBar({ filters, onChange }: Props) {
  const types = useTaskTypes();
  return (
    <div className="task-filters">
      <input
        className="input task-search"
        type="search"
        placeholder="Search id prefix or key"
        aria-label="Search tasks by id prefix or key"
        value={filters.search}
        onChange={(e) => onChange({ search: e.target.value })}
      />
      <label>
        <span className="muted">Server</span>
        <ServerSelect value={filters.serverId} onChange={(serverId) => onChange({ serverId })} anyLabel="any" />
      </label>
      <label>
        <span className="muted">Type</span>
        <select className="input" value={filters.type} onChange={(e) => onChange({ type: e.target.value })}>
          <option value="">any</option>
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="muted">Session</span>
        <input className="input task-session" value={filters.sessionId} placeholder="any" onChange={(e) => onChange({ sessionId: e.target.value })} />
      </label>
    </div>
  );
}
