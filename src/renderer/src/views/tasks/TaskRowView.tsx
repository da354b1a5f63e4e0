import { memo, type KeyboardEvent } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { navigate } from '../../routing/use-route';
import { taskHref } from '../../routing/route';
import { ProgressBar } from '../../ui/ProgressBar';
import { StatusBadge } from '../../ui/StatusBadge';
import { formatAgo, formatClock } from '../../time/format';
import { isActiveStatus, shortId, statusTone } from './task-status';
import type { TaskRow } from './task-rows';

interface Props {
  row: TaskRow;
  /** The table's clock: one ticker for all ages, not a subscription per cell. */
  now: number;
  serverName: string | null;
  selected: boolean;
  /** While "all matching" is selected, single rows cannot be unticked. */
  selectionLocked: boolean;
  onToggle(id: TaskId): void;
  onCancel(row: TaskRow): void;
  onRerun(row: TaskRow): void;
}

/** What a row shows between server and attempts: progress while running, the reason while waiting. */
function StateDetail({ row }: { row: TaskRow }) {
  if (row.status === 'running' && row.progress) return <ProgressBar value={row.progress.value} max={row.progress.max} label={`progress of task ${row.id}`} />;
  if (row.status === 'queued' && row.waiting) return <span className="cell-waiting" data-testid="task-waiting" title={row.waiting}>{row.waiting}</span>;
  // A cancel's reason is not an error: red only for a failure.
  if (row.error) return <span className={row.status === 'failed' ? 'cell-error' : 'cell-note'} title={row.error.message}>{row.error.message}</span>;
  return null;
}

/** An age as text; the row re-renders with the table's clock, so no component of its own is needed. */
function AgoText({ at, now }: { at: number; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatClock(at)}>
      {formatAgo(at, now)}
    </time>
  );
}

/**
 * One table row, in the virtual list's block. Memoised, and every prop is a primitive or stable:
 * the reducer keeps the identity of tasks a batch did not touch, so a live update or a scroll
 * re-renders only the rows that changed (and all of them once a second, for their ages).
 */
export const TaskRowView = memo(function TaskRowView({ row, now, serverName, selected, selectionLocked, onToggle, onCancel, onRerun }: Props) {
  const open = () => navigate({ view: 'task', id: row.id });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Only the row itself: Enter on a button inside it does that button's job.
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') open();
    // Arrows move between rows; the overscan keeps the neighbours rendered, and focus scrolls them into view.
    const next = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.key === 'ArrowUp' ? e.currentTarget.previousElementSibling : null;
    if (next instanceof HTMLElement) {
      e.preventDefault();
      next.focus();
    }
  };
  const active = isActiveStatus(row.status);
  return (
    <div
      className={`task-row${selected ? ' selected' : ''}`}
      role="row"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onDoubleClick={open}
      data-testid="task-row"
      data-task-id={row.id}
      data-status={row.status}
      aria-label={`task ${row.id}, ${row.status}`}
    >
      <span role="cell">
        <input type="checkbox" checked={selected} disabled={selectionLocked} onChange={() => onToggle(row.id)} aria-label={`select task ${row.id}`} />
      </span>
      <span role="cell">
        <StatusBadge label={row.status} tone={statusTone(row.status)} />
      </span>
      <span role="cell" className="mono" title={row.id}>
        {shortId(row.id)}
      </span>
      <span role="cell" title={row.type}>{row.type}</span>
      <span role="cell" title={row.sessionId}>{row.sessionId}</span>
      <span role="cell" title={row.key ?? ''}>{row.key ?? <span className="muted">—</span>}</span>
      <span role="cell" title={row.serverId ?? ''}>{serverName ?? row.serverId ?? <span className="muted">—</span>}</span>
      <span role="cell" className="cell-state">
        <StateDetail row={row} />
      </span>
      <span role="cell" className="num">{row.attempt}</span>
      <span role="cell" className="muted">
        <AgoText at={row.createdAt} now={now} />
      </span>
      <span role="cell" className="muted">
        <AgoText at={row.updatedAt} now={now} />
      </span>
      <span role="cell" className="row-actions">
        {active ? (
          <ActionButton className="btn btn-quiet" onClick={() => onCancel(row)}>
            Cancel
          </ActionButton>
        ) : (
          <ActionButton className="btn btn-quiet btn-neutral" onClick={() => onRerun(row)}>
            Re-run
          </ActionButton>
        )}
        <a className="btn btn-quiet btn-neutral" href={taskHref(row.id)}>
          Details
        </a>
      </span>
    </div>
  );
});
