import type { ApiError } from '../../../../shared/api';
import type { WorkflowIssue } from '../../../../shared/tasks';

/** A node of the pasted workflow as the node list shows it. */
export interface NodeSummary {
  id: string;
  classType: string;
  title: string | null;
}

/** The nodes of a parsed API-format graph, in ComfyUI's numeric order ("3" before "10"). */
export function listNodes(workflow: unknown): NodeSummary[] {
  if (typeof workflow !== 'object' || workflow === null || Array.isArray(workflow)) return [];
  return Object.entries(workflow as Record<string, unknown>)
    .map(([id, node]) => {
      const n = (typeof node === 'object' && node !== null ? node : {}) as { class_type?: unknown; _meta?: { title?: unknown } };
      return {
        id,
        classType: typeof n.class_type === 'string' ? n.class_type : '?',
        title: typeof n._meta?.title === 'string' ? n._meta.title : null,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

export interface PlacedIssues {
  /** Issues per node id, to show under that node. */
  byNode: Map<string, WorkflowIssue[]>;
  /** Issues naming no node of the list (the graph as a whole, or a node id not in it). */
  general: string[];
}

function isIssue(v: unknown): v is WorkflowIssue {
  return typeof v === 'object' && v !== null && typeof (v as WorkflowIssue).message === 'string';
}

/**
 * Places the engine's `invalid_workflow` issues (`details.issues`) under the nodes they name.
 * Any other error, or details of another shape, is shown whole as a general message.
 */
export function placeIssues(error: ApiError, nodeIds: readonly string[]): PlacedIssues {
  const byNode = new Map<string, WorkflowIssue[]>();
  const general: string[] = [];
  const details = error.details as { issues?: unknown; more?: unknown } | undefined;
  const issues = error.code === 'invalid_workflow' && Array.isArray(details?.issues) ? details.issues.filter(isIssue) : null;
  if (!issues || issues.length === 0) return { byNode, general: [error.message] };
  const known = new Set(nodeIds);
  for (const issue of issues) {
    if (issue.nodeId !== null && known.has(issue.nodeId)) {
      const list = byNode.get(issue.nodeId) ?? [];
      list.push(issue);
      byNode.set(issue.nodeId, list);
    } else {
      general.push(issue.message);
    }
  }
  if (typeof details?.more === 'number' && details.more > 0) general.push(`…and ${details.more} more problems`);
  return { byNode, general };
}
