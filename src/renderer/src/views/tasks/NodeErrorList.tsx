import type { TaskError } from '../../../../shared/tasks';

/** T10: why the task failed, node by node when the server named nodes. */
export function NodeErrorList({ error }: { error: TaskError }) {
  return (
    <section className="detail-section" aria-labelledby="error-title">
      <h3 id="error-title">Error</h3>
      <ul className="node-errors" data-testid="task-error">
        <li>
          <span className="mono">{error.code}</span>: {error.message}
        </li>
        {(error.nodeErrors ?? []).map((n, i) => (
          <li key={i} data-node-id={n.nodeId ?? ''}>
            <strong>{n.nodeId === null ? 'prompt' : `node ${n.nodeId}`}</strong>
            {n.classType && <span className="muted"> ({n.classType})</span>}: {n.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
