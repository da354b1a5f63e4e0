import { ActionButton } from '../../components/ActionButton';
import type { BatchAction } from './batch';

interface Props {
  /** Rows ticked one by one. */
  picked: number;
  /** Tasks matching the filters (the ledger's total plus live ones on top). */
  matching: number;
  allMatching: boolean;
  busy: boolean;
  onSelectAllMatching(): void;
  onClear(): void;
  onRun(action: BatchAction): void;
}

/** Batch actions over the selection; shown once something is selected. */
export function BatchBar({ picked, matching, allMatching, busy, onSelectAllMatching, onClear, onRun }: Props) {
  const count = allMatching ? matching : picked;
  return (
    <div className="batch-bar" role="region" aria-label="Batch actions">
      <span>
        <strong data-testid="selection-count">{count}</strong> selected{allMatching ? ' (every task matching the filters)' : ''}
      </span>
      {!allMatching && matching > picked && (
        <button type="button" className="btn btn-quiet btn-neutral" onClick={onSelectAllMatching}>
          Select all {matching} matching
        </button>
      )}
      <ActionButton className="btn" disabled={busy} onClick={() => onRun('cancel')}>
        Cancel selected…
      </ActionButton>
      <ActionButton className="btn" disabled={busy} onClick={() => onRun('rerun')}>
        Re-run selected…
      </ActionButton>
      <button type="button" className="btn btn-quiet btn-neutral" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
