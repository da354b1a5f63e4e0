import type { AttemptView } from '../../../../shared/tasks';
import { formatClock, formatDuration } from '../../time/format';

/** U3: every submission of the task to a server, with its own prompt_id (T4). */
export function AttemptsTable({ attempts, serverNames }: { attempts: AttemptView[]; serverNames: Record<string, string> }) {
  if (attempts.length === 0) return null;
  return (
    <section className="detail-section" aria-labelledby="attempts-title">
      <h3 id="attempts-title">Attempts</h3>
      <table className="plain-table" data-testid="attempts">
        <thead>
          <tr>
            <th>#</th>
            <th>Server</th>
            <th>prompt_id</th>
            <th>Dispatched</th>
            <th>Started</th>
            <th>Ended</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.n}>
              <td>{a.n}</td>
              <td title={a.serverId}>{serverNames[a.serverId] ?? a.serverId}</td>
              <td className="mono">{a.promptId}</td>
              <td>{formatClock(a.dispatchedAt)}</td>
              <td>{a.startedAt ? formatClock(a.startedAt) : '—'}</td>
              <td>{a.endedAt ? `${formatClock(a.endedAt)} (${formatDuration(a.endedAt - a.dispatchedAt)})` : '—'}</td>
              <td>
                {a.outcome ?? 'in progress'}
                {a.detail && <span className="muted">: {a.detail}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
