import type { WorkflowIssue } from '../../../../shared/tasks';
import type { NodeSummary } from './node-issues';

/** The nodes of the pasted workflow; the engine's problems with a node are listed under it. */
export function NodeList({ nodes, byNode }: { nodes: NodeSummary[]; byNode: Map<string, WorkflowIssue[]> }) {
  if (nodes.length === 0) return null;
  return (
    <section className="node-list" aria-labelledby="nodes-title">
      <h3 id="nodes-title">
        Nodes <span className="muted">({nodes.length})</span>
      </h3>
      <ul>
        {nodes.map((n) => {
          const issues = byNode.get(n.id) ?? [];
          return (
            <li key={n.id} className={issues.length ? 'has-issue' : undefined} data-node-id={n.id} data-testid="workflow-node">
              <span className="mono">{n.id}</span> <strong>{n.classType}</strong>
              {n.title && <span className="muted"> · {n.title}</span>}
              {issues.map((issue, i) => (
                <div key={i} className="node-issue" role="alert">
                  {issue.input && <span className="mono">{issue.input}: </span>}
                  {issue.message}
                </div>
              ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
