import type { TaskId, TaskStatus } from '../../../../shared/tasks';
import { taskHref } from '../../routing/route';
import { isActiveStatus } from './task-status';

export interface Notice {
  tone: 'ok' | 'bad';
  text: string;
  /** A task the notice is about (e.g. the new task of a re-run). */
  link?: { id: TaskId; label: string };
  /**
   * A cancel the task's server was asked for (T7): its outcome arrives later, as events. Once
   * the task has finished, {@link settleNotice} says how instead of "the outcome follows".
   */
  awaiting?: { id: TaskId; subject: string };
}

/** The notice as it reads once the task it awaits has finished; unchanged before that. */
export function settleNotice(notice: Notice, status: TaskStatus | undefined): Notice {
  if (!notice.awaiting || status === undefined || isActiveStatus(status)) return notice;
  const { subject } = notice.awaiting;
  if (status === 'cancelled') return { tone: 'ok', text: `${subject}: cancelled.` };
  return { tone: 'bad', text: `${subject}: ${status} before the cancel reached it.` };
}

/** The outcome of the last single-task action, in words; engine errors are shown as they come. */
export function ActionNotice({ notice, onClose }: { notice: Notice; onClose(): void }) {
  return (
    <div className={`action-notice notice-${notice.tone}`} role={notice.tone === 'bad' ? 'alert' : 'status'} data-testid="action-notice">
      <span>{notice.text}</span>
      {notice.link && (
        <a href={taskHref(notice.link.id)} data-testid="notice-link">
          {notice.link.label}
        </a>
      )}
      <button type="button" className="btn btn-quiet btn-neutral" onClick={onClose} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
