import type { TaskError, TaskStatus } from '../../../../shared/tasks';
import './end-reason.css';

const HEADING: Partial<Record<TaskStatus, string>> = { cancelled: 'Cancelled', interrupted: 'Interrupted' };

/**
 * Why a task that did not fail ended (cancelled or interrupted, T7): the reason as given, under
 * a heading that says what happened, not under "Error" in red. Failures go to NodeErrorList.
 */
export function EndReason({ status, error }: { status: TaskStatus; error: TaskError }) {
  return (
    <section className="detail-section" aria-labelledby="end-reason-title">
      <h3 id="end-reason-title">{HEADING[status] ?? 'Ended'}</h3>
      <p className="end-reason" data-testid="end-reason" data-status={status}>
        <span className="muted">Reason: </span>
        {error.message}
      </p>
    </section>
  );
}

/** Whether the task's error is the reason it was stopped rather than a failure. */
export const isStopReason = (status: TaskStatus): boolean => status in HEADING;
