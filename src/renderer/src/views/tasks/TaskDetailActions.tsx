import { useState } from 'react';
import type { TaskView } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ActionNotice, settleNotice, type Notice } from './ActionNotice';
import { isActiveStatus, shortId } from './task-status';
import { useTaskActions } from './use-task-actions';

/**
 * Cancel (T7) and re-run (T8). A re-run the engine refuses because a `once` task already
 * succeeded (`rerun_refused`) can be forced, with a reason that goes to the audit log.
 */
export function TaskDetailActions({ task, onChanged }: { task: TaskView; onChanged(): void }) {
  const actions = useTaskActions();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [forceOffered, setForceOffered] = useState(false);
  const [reason, setReason] = useState('');

  const cancel = async () => {
    setBusy(true);
    const r = await actions.cancel(task.id);
    setBusy(false);
    setConfirming(false);
    if (!r.ok) setNotice({ tone: 'bad', text: r.error.message });
    else if (r.value.state === 'done') setNotice({ tone: 'ok', text: 'Cancelled.' });
    else setNotice({ tone: 'ok', text: 'Cancel requested from its server; the outcome follows.', awaiting: { id: task.id, subject: 'The task' } });
    onChanged();
  };

  const rerun = async (force?: { reason: string }) => {
    setBusy(true);
    const r = await actions.rerun(task.id, force);
    setBusy(false);
    if (r.ok) {
      setForceOffered(false);
      setNotice({ tone: 'ok', text: `Re-run: ${r.value.outcome}.`, link: { id: r.value.task.id, label: `open ${shortId(r.value.task.id)}` } });
    } else {
      setForceOffered(r.error.code === 'rerun_refused');
      setNotice({ tone: 'bad', text: r.error.message });
    }
    onChanged();
  };

  const active = isActiveStatus(task.status);
  return (
    <>
      <div className="detail-head">
        {active && (
          <ActionButton className="btn" onClick={() => setConfirming(true)} disabled={busy}>
            Cancel task…
          </ActionButton>
        )}
        {!active && (
          <ActionButton className="btn" onClick={() => void rerun()} disabled={busy}>
            Re-run
          </ActionButton>
        )}
      </div>
      {notice && <ActionNotice notice={settleNotice(notice, task.status)} onClose={() => setNotice(null)} />}
      {forceOffered && (
        <form
          className="force-form"
          onSubmit={(e) => {
            e.preventDefault();
            void rerun({ reason: reason.trim() });
          }}
        >
          <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why must it run again? (audited)" aria-label="Reason for forcing the re-run" />
          <ActionButton type="submit" className="btn btn-destructive" disabled={busy || reason.trim() === ''}>
            Force re-run
          </ActionButton>
        </form>
      )}
      {confirming && (
        <ConfirmDialog title={`Cancel task ${shortId(task.id)}?`} confirmLabel="Cancel task" danger busy={busy} onConfirm={() => void cancel()} onCancel={() => setConfirming(false)}>
          <p>
            It is <strong>{task.status}</strong>. A queued task is removed; one on a server is deleted from its queue or interrupted.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
