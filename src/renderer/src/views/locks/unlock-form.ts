import type { CommandArgs, UnlockChoice } from '../../../../shared/api';

/** L4: what happens to the session's unfinished tasks, in one line each (shown in the dialog). */
export const UNLOCK_CHOICES: { value: UnlockChoice; label: string; explain: string }[] = [
  {
    value: 'requeue',
    label: 'Requeue',
    explain:
      'Stop them and put them back in the queue: each starts again from the beginning on whichever healthy server takes it, the server it was on included (the session then locks there again). An operator requeue does not count against the task type’s retry limit. A task its server did not confirm stopping may run twice.',
  },
  { value: 'cancel', label: 'Cancel', explain: 'Cancel them; a running one is asked to stop on its server.' },
  { value: 'leave', label: 'Leave', explain: 'Only break the lock; the tasks stay as they are, and the session’s next task may go to another server.' },
];

export interface UnlockFormValues {
  reason: string;
  choice: UnlockChoice | null;
}

export type UnlockValidation = { ok: true; args: Omit<CommandArgs<'locks.unlock'>, 'sessionId'> } | { ok: false; errors: { reason?: string; choice?: string } };

/** The reason goes to the audit log (L4), so it must say something; the choice is never implied. */
export function validateUnlock(values: UnlockFormValues): UnlockValidation {
  const reason = values.reason.trim();
  const errors: { reason?: string; choice?: string } = {};
  if (reason.length < 3) errors.reason = 'Give a reason (at least 3 characters); it is kept in the audit log.';
  if (!values.choice) errors.choice = 'Choose what happens to the session’s unfinished tasks.';
  if (errors.reason || errors.choice || !values.choice) return { ok: false, errors };
  return { ok: true, args: { reason, unfinished: values.choice } };
}
