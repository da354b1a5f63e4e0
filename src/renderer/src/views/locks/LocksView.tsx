import { useState } from 'react';
import type { LockView } from '../../../../shared/tasks';
import { useFleetStore } from '../../store/fleet/store';
import { selectLocks } from '../../store/fleet/slices/live/selectors';
import { LocksTable } from './LocksTable';
import { UnlockDialog } from './UnlockDialog';
import '../../ui/views.css';

/** U4 (L5): who holds which server, and a way to break a lock that is stuck. */
export function LocksView() {
  const locks = useFleetStore(selectLocks);
  // The lock as it was when the dialog opened: it stays open with the outcome after the lock goes.
  const [unlocking, setUnlocking] = useState<LockView | null>(null);
  return (
    <section className="view" aria-labelledby="locks-title">
      <h2 id="locks-title" className="view-title">
        Locks
      </h2>
      <p className="muted">
        A session’s tasks stay on the server its first unfinished task went to. A lock is <strong>stuck</strong> when that server stays unhealthy or its running task goes silent; the
        session’s new tasks then wait on it until it recovers or is unlocked here.
      </p>
      {locks.length === 0 ? (
        <p className="empty" data-testid="locks-empty">
          No session holds a lock.
        </p>
      ) : (
        <LocksTable locks={locks} onUnlock={setUnlocking} />
      )}
      {unlocking && <UnlockDialog key={unlocking.sessionId} lock={unlocking} onClose={() => setUnlocking(null)} />}
    </section>
  );
}
