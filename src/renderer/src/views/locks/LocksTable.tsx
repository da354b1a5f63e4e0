import type { LockView } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { Ago } from '../../components/RelativeTime';
import { useFleetStore } from '../../store/fleet/store';

/** L5: one row per lock; a stuck one says why and since when. */
export function LocksTable({ locks, onUnlock }: { locks: LockView[]; onUnlock: (lock: LockView) => void }) {
  return (
    <table className="data-table" data-testid="locks-table">
      <thead>
        <tr>
          <th scope="col">Session</th>
          <th scope="col">Server</th>
          <th scope="col">Unfinished tasks</th>
          <th scope="col">Acquired</th>
          <th scope="col">Renewed</th>
          <th scope="col">State</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {locks.map((lock) => (
          <LockRow key={lock.sessionId} lock={lock} onUnlock={onUnlock} />
        ))}
      </tbody>
    </table>
  );
}

function LockRow({ lock, onUnlock }: { lock: LockView; onUnlock: (lock: LockView) => void }) {
  const serverName = useFleetStore((s) => s.byId[lock.serverId]?.name ?? lock.serverId);
  return (
    <tr data-testid="lock-row" data-session={lock.sessionId} data-state={lock.state}>
      <td>{lock.sessionId}</td>
      <td>{serverName}</td>
      <td data-testid="lock-unfinished">{lock.unfinishedTasks}</td>
      <td>
        <Ago at={lock.acquiredAt} />
      </td>
      <td>
        <Ago at={lock.renewedAt} />
      </td>
      <td>
        <span className={`state-chip state-${lock.state}`} data-testid="lock-state">
          {lock.state}
        </span>
        {lock.state === 'stuck' && (
          <div className="muted" data-testid="lock-stuck-reason">
            {lock.stuckReason}
            {lock.stuckSince !== null && (
              <>
                {' '}
                (since <Ago at={lock.stuckSince} />)
              </>
            )}
          </div>
        )}
      </td>
      <td>
        <ActionButton className="btn btn-small btn-danger" data-testid="force-unlock" aria-label={`Force-unlock session ${lock.sessionId}`} onClick={() => onUnlock(lock)}>
          Force-unlock…
        </ActionButton>
      </td>
    </tr>
  );
}
