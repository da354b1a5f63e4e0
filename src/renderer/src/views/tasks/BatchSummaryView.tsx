import { shortId } from './task-status';
import type { BatchAction, BatchSummary } from './batch';

/** What a batch did: how many went through, and each kind of refusal with the engine's words. */
export function BatchSummaryView({ action, summary, running, onClose }: { action: BatchAction; summary: BatchSummary; running: boolean; onClose(): void }) {
  const refused = summary.refused.reduce((n, g) => n + g.count, 0);
  return (
    <div className="batch-summary" role="status" data-testid="batch-summary">
      <strong>
        {action === 'cancel' ? 'Cancel' : 'Re-run'}
        {running ? ' in progress' : ' finished'}:
      </strong>{' '}
      {summary.done} done, {refused} refused
      {summary.refused.length > 0 && (
        <ul>
          {summary.refused.map((g) => (
            <li key={g.code}>
              <span className="mono">{g.code}</span> × {g.count} (<span title={g.ids.join(', ')}>{g.ids.map(shortId).join(', ')}</span>
              {g.count > g.ids.length ? ', …' : ''}): {g.example}
            </li>
          ))}
        </ul>
      )}
      {!running && (
        <button type="button" className="btn btn-quiet btn-neutral" onClick={onClose}>
          Dismiss
        </button>
      )}
    </div>
  );
}
