import { useCallback, useMemo, useState } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { useFleetStore } from '../../store/fleet/store';
import { selectLiveTasks } from '../../store/fleet/slices/live/selectors';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ActionNotice, settleNotice, type Notice } from './ActionNotice';
import { runBatch, type BatchAction, type BatchSummary, type BatchTarget } from './batch';
import { BatchBar } from './BatchBar';
import { BatchSummaryView } from './BatchSummaryView';
import { StatusFilter } from './StatusFilter';
import { TaskFilterBar } from './TaskFilterBar';
import { TaskTable } from './TaskTable';
import { countScope, filtersActive, filtersKey, NO_FILTERS } from './task-filters';
import { mergeRows, type TaskRow } from './task-rows';
import { useFleetApi } from '../../components/api-context';
import { shortId } from './task-status';
import { useServerNames } from './use-server-names';
import { useTaskActions } from './use-task-actions';
import { useTaskFilters } from './use-task-filters';
import { useTaskPages } from './use-task-pages';
import './tasks.css';

type Pending = { kind: 'batch'; action: BatchAction; count: number } | { kind: 'cancel'; row: TaskRow };

interface Selection {
  ids: ReadonlySet<TaskId>;
  /** Every task matching the filters, including ones not loaded yet. */
  all: boolean;
}

const NOTHING: Selection = { ids: new Set(), all: false };

/** U2: every task, paged from the ledger and kept live by the store. */
export function TasksView() {
  const api = useFleetApi();
  const actions = useTaskActions();
  const [selection, setSelection] = useState<Selection>(NOTHING);
  // A selection made under other filters would act on tasks no longer in view.
  const dropSelection = useCallback(() => setSelection(NOTHING), []);
  // Kept in the address: a filtered view can be shared, and survives a reload.
  const { filters, shown, change: changeFilters } = useTaskFilters(dropSelection);
  const key = filtersKey(filters);

  const pages = useTaskPages(filters);
  const live = useFleetStore(selectLiveTasks);
  const { rows, added } = useMemo(() => mergeRows(pages.items, live, filters), [pages.items, live, filters]);
  const servers = useServerNames();
  const matching = (pages.total ?? pages.items.length) + added;

  const [pending, setPending] = useState<Pending | null>(null);
  const [batch, setBatch] = useState<{ action: BatchAction; summary: BatchSummary; running: boolean } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  // The task a cancel notice awaits, as the store has it now (the newest finished tasks stay there).
  const awaitedStatus = useFleetStore((s) => (notice?.awaiting ? s.tasks[notice.awaiting.id]?.status : undefined));

  const onToggle = useCallback((id: TaskId) => {
    setSelection((prev) => {
      const ids = new Set(prev.ids);
      if (ids.has(id)) ids.delete(id);
      else ids.add(id);
      return { ids, all: false };
    });
  }, []);
  const isSelected = useCallback((id: TaskId) => selection.all || selection.ids.has(id), [selection]);

  const onRerun = useCallback(
    (row: TaskRow) => {
      void actions.rerun(row.id).then((result) => {
        if (result.ok) {
          const { outcome, task } = result.value;
          setNotice({ tone: 'ok', text: `Re-run of ${shortId(row.id)}: ${outcome}.`, link: { id: task.id, label: `open ${shortId(task.id)}` } });
        } else {
          const force = result.error.code === 'rerun_refused' ? { id: row.id, label: 'open it to force a re-run with a reason' } : undefined;
          setNotice({ tone: 'bad', text: result.error.message, ...(force ? { link: force } : {}) });
        }
      });
    },
    [actions],
  );
  const onCancel = useCallback((row: TaskRow) => setPending({ kind: 'cancel', row }), []);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    if (pending.kind === 'cancel') {
      const { id } = pending.row;
      const result = await actions.cancel(id);
      const subject = `Task ${shortId(id)}`;
      if (!result.ok) setNotice({ tone: 'bad', text: result.error.message });
      else if (result.value.state === 'done') setNotice({ tone: 'ok', text: `${subject}: cancelled.` });
      else setNotice({ tone: 'ok', text: `${subject}: cancel requested from its server; the outcome follows.`, awaiting: { id, subject } });
      setBusy(false);
      setPending(null);
      return;
    }
    const { action } = pending;
    const target: BatchTarget = selection.all ? { kind: 'matching', filters, total: matching } : { kind: 'ids', ids: [...selection.ids] };
    setPending(null);
    setBatch({ action, summary: { done: 0, refused: [] }, running: true });
    const summary = await runBatch(api, action, target, (s) => setBatch({ action, summary: s, running: true }));
    setBatch({ action, summary, running: false });
    setSelection(NOTHING);
    setBusy(false);
    pages.reload();
  };

  const selectedCount = selection.all ? matching : selection.ids.size;
  return (
    <section className="view tasks-view" aria-labelledby="tasks-title">
      <div className="view-head">
        <h2 id="tasks-title" className="view-title">
          Tasks
        </h2>
        <span className="muted" data-testid="task-total">
          {pages.total === null ? (pages.waiting ? 'waiting for the engine connection…' : 'loading…') : `${matching} matching`}
          {pages.loading && pages.total !== null ? ' · loading more…' : ''}
        </span>
        <a className="btn btn-primary head-link" href="#/submit">
          Submit…
        </a>
      </div>
      <StatusFilter selected={shown.statuses} scope={countScope(filters)} onChange={(statuses) => changeFilters({ statuses })} />
      <TaskFilterBar filters={shown} onChange={changeFilters} />
      {pages.error && (
        <p className="form-error" role="alert">
          {pages.error.message}
        </p>
      )}
      {notice && <ActionNotice notice={settleNotice(notice, awaitedStatus)} onClose={() => setNotice(null)} />}
      {batch && <BatchSummaryView action={batch.action} summary={batch.summary} running={batch.running} onClose={() => setBatch(null)} />}
      {selectedCount > 0 && (
        <BatchBar
          picked={selection.ids.size}
          matching={matching}
          allMatching={selection.all}
          busy={busy}
          onSelectAllMatching={() => setSelection({ ids: new Set(), all: true })}
          onClear={() => setSelection(NOTHING)}
          onRun={(action) => setPending({ kind: 'batch', action, count: selectedCount })}
        />
      )}
      <TaskTable
        rows={rows}
        added={added}
        resetKey={key}
        serverNames={servers.byId}
        isSelected={isSelected}
        selectionLocked={selection.all}
        onToggle={onToggle}
        onCancel={onCancel}
        onRerun={onRerun}
        onNearEnd={pages.loadMore}
      />
      {!pages.loading && rows.length === 0 && !pages.error && <EmptyList filtered={filtersActive(filters)} onClear={() => changeFilters(NO_FILTERS)} />}
      {pending?.kind === 'cancel' && (
        <ConfirmDialog title={`Cancel task ${shortId(pending.row.id)}?`} confirmLabel="Cancel task" danger busy={busy} onConfirm={() => void confirm()} onCancel={() => setPending(null)}>
          <p>
            It is <strong>{pending.row.status}</strong>. A queued task is removed; one on a server is deleted from its queue or interrupted.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'batch' && (
        <ConfirmDialog
          title={`${pending.action === 'cancel' ? 'Cancel' : 'Re-run'} ${pending.count} task${pending.count === 1 ? '' : 's'}?`}
          confirmLabel={`${pending.action === 'cancel' ? 'Cancel' : 'Re-run'} ${pending.count}`}
          danger={pending.action === 'cancel'}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>
            {pending.action === 'cancel'
              ? 'Unfinished tasks are cancelled; finished ones are refused by the engine and listed afterwards.'
              : 'Each finished task gets a new task linked to it; unfinished ones and succeeded "once" tasks are refused and listed afterwards.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** An empty list says why: no task at all yet, or none matching the filters (with a way out). */
function EmptyList({ filtered, onClear }: { filtered: boolean; onClear(): void }) {
  if (!filtered) {
    return (
      <p className="muted" data-testid="tasks-empty">
        No tasks yet. <a href="#/submit">Submit a workflow</a>, or send one to the task API.
      </p>
    );
  }
  return (
    <p className="muted" data-testid="tasks-empty">
      No task matches these filters.{' '}
      <button type="button" className="btn btn-quiet btn-neutral" onClick={onClear}>
        Clear filters
      </button>
    </p>
  );
}
