import type { ApiError } from '../../../../shared/api';
import type { SubmitOutcome } from '../../../../shared/tasks';
import { taskHref } from '../../routing/route';

export interface CopyResult {
  key: string | null;
  result: { ok: true; value: SubmitOutcome } | { ok: false; error: ApiError } | null;
}

const EXPLAIN: Record<SubmitOutcome['outcome'], string> = {
  created: 'a new task',
  deduplicated: 'this key already has a task (active, or a succeeded "once" task): here it is',
  conflict: 'this key is running under a re-runnable policy: here is the running task',
};

/** T2: what each copy's submission did, with a link to its task. */
export function SubmitResults({ results }: { results: CopyResult[] }) {
  if (results.length === 0) return null;
  return (
    <section className="submit-results" aria-labelledby="results-title">
      <h3 id="results-title">Submitted</h3>
      <ul>
        {results.map((r, i) => (
          <li key={i} data-testid="submit-result" data-outcome={r.result?.ok ? r.result.value.outcome : r.result ? 'error' : 'pending'}>
            <span className="mono">{r.key ?? `copy ${i + 1}`}</span>:{' '}
            {r.result === null && <span className="muted">sending…</span>}
            {r.result?.ok === true && (
              <>
                <strong className={`outcome-${r.result.value.outcome}`}>{r.result.value.outcome}</strong> <span className="muted">({EXPLAIN[r.result.value.outcome]})</span>{' '}
                <a href={taskHref(r.result.value.task.id)} data-testid="result-link">
                  task {r.result.value.task.id}
                </a>
              </>
            )}
            {r.result?.ok === false && <span className="form-error">{r.result.error.message}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
