import { useCallback, useEffect, useState } from 'react';
import type { ApiError, Result } from '../../../../shared/api';
import type { AuditEntry, AuditPage } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { useFleetApi } from '../../components/api-context';
import { Ago } from '../../components/RelativeTime';
import { taskHref } from '../../routing/route';
import { useEngineOpens } from '../../sync/use-engine';
import { formatClock } from '../../time/format';
import { detailPairs, matchesAudit } from './audit-format';
import { targetIsTask } from './log-merge';

const PAGE = 50;

/** Operator actions, newest first, a page at a time (cursor paging, S4). */
export function AuditPanel() {
  const api = useFleetApi();
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // Busy from the start: the first page is fetched on mount.
  const [busy, setBusy] = useState(true);
  const opens = useEngineOpens();
  const [filter, setFilter] = useState('');
  const shown = items.filter((e) => matchesAudit(e, filter));

  /** What a page's answer does: a first page replaces the list (refresh), a later one appends older entries. */
  const apply = useCallback((from: string | null, r: Result<AuditPage>): void => {
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setItems((prev) => (from ? [...prev, ...r.value.items] : r.value.items));
    setTotal(r.value.total);
    setCursor(r.value.nextCursor);
  }, []);

  // The first page on mount and again on each (re)connection: one asked for before the link opened was never sent.
  useEffect(() => {
    let cancelled = false;
    void api.call('audit.list', { limit: PAGE }).then((r) => {
      if (!cancelled) apply(null, r);
    });
    return () => {
      cancelled = true;
    };
  }, [api, apply, opens]);

  const load = (from: string | null): void => {
    setBusy(true);
    void api.call('audit.list', from ? { cursor: from, limit: PAGE } : { limit: PAGE }).then((r) => apply(from, r));
  };

  return (
    <section className="panel" aria-labelledby="audit-title" data-testid="audit-panel">
      <div className="panel-head">
        <h3 id="audit-title" className="panel-title">
          Audit {total !== null && <span className="muted">({total})</span>}
        </h3>
        <ActionButton className="btn btn-small" data-testid="audit-refresh" disabled={busy} onClick={() => load(null)}>
          Refresh
        </ActionButton>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <label className="audit-filter">
        <span className="muted">Filter the loaded entries (action, target, actor, reason, details)</span>
        <input className="input" type="search" data-testid="audit-filter" placeholder="e.g. task.cancel or a session id" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {items.length === 0 && !busy ? (
        <p className="muted">No operator actions recorded yet.</p>
      ) : shown.length === 0 ? (
        <p className="muted" data-testid="audit-no-match">
          No loaded entry matches “{filter}”.
        </p>
      ) : (
        <table className="data-table audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <AuditRow key={e.id} entry={e} />
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="btn btn-small" data-testid="audit-older" disabled={busy} onClick={() => load(cursor)}>
          Older entries
        </button>
      )}
    </section>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const details = detailPairs(entry.details);
  return (
    <tr data-testid="audit-row" data-action={entry.action} data-target={entry.target}>
      <td title={new Date(entry.at).toISOString()}>
        {formatClock(entry.at)} <span className="muted">(<Ago at={entry.at} />)</span>
      </td>
      <td>{entry.actor}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>{targetIsTask(entry.action) ? <a href={taskHref(entry.target)}>{entry.target}</a> : entry.target}</td>
      <td>{entry.reason ?? <span className="muted">—</span>}</td>
      <td className="audit-details" data-testid="audit-details">
        {details.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <dl className="audit-pairs">
            {details.map((p) => (
              <div key={p.key} data-key={p.key}>
                <dt>{p.key}</dt>
                <dd>{p.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
    </tr>
  );
}
