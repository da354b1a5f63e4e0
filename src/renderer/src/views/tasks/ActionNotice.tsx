import type { TaskId } from '../../../../shared/tasks';
import { taskHref } from '../../routing/route';

export interface Notice {
  tone: 'ok' | 'bad';
  text: string;
  /** A task the notice is about (e.g. the new task of a re-run). */
  link?: { id: TaskId; label: string };
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
