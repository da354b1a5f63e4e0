import { useEffect, useMemo, useState } from 'react';
import type { TaskView } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { Ago } from '../../components/RelativeTime';
import { taskHref } from '../../routing/route';
import { useFleetStore } from '../../store/fleet/store';
import { useEngineOpens } from '../../sync/use-engine';
import { selectLiveTasks } from '../../store/fleet/slices/live/selectors';
import { ProgressBar } from '../../ui/ProgressBar';
import { shortId } from './task-status';

/**
 * T8: re-runs of this task: the ledger's (by parent), plus any seen live since, which also makes
 * the list ask the ledger again when a new one appears.
 */
function useChildren(id: string): TaskView[] {
  const api = useFleetApi();
  const live = useFleetStore(selectLiveTasks);
  const liveChildren = useMemo(() => live.filter((t) => t.parentId === id), [live, id]);
  const [stored, setStored] = useState<TaskView[]>([]);
  const opens = useEngineOpens();
  useEffect(() => {
    let stale = false;
    void api.call('tasks.list', { parentId: id, limit: 50 }).then((r) => {
      if (!stale && r.ok) setStored(r.value.items);
    });
    return () => {
      stale = true;
    };
  }, [api, id, liveChildren.length, opens]);
  return useMemo(() => {
    const byId = new Map<string, TaskView>();
    for (const t of stored) byId.set(t.id, t);
    for (const t of liveChildren) if ((byId.get(t.id)?.version ?? -1) <= t.version) byId.set(t.id, t);
    return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt);
  }, [stored, liveChildren]);
}

/** U3 header facts: who, where, when, and the T8 links to parent and children. */
export function TaskFacts({ task, serverName }: { task: TaskView & { waiting?: string | null }; serverName: string | null }) {
  const children = useChildren(task.id);
  return (
    <dl className="detail-facts">
      <div>
        <dt>Type</dt>
        <dd>
          {task.type} <span className="muted">({task.mode})</span>
        </dd>
      </div>
      <div>
        <dt>Session</dt>
        <dd>{task.sessionId}</dd>
      </div>
      <div>
        <dt>Key</dt>
        <dd>{task.key ?? '—'}</dd>
      </div>
      <div>
        <dt>Server</dt>
        <dd title={task.serverId ?? ''}>{serverName ?? task.serverId ?? '—'}{task.pinServerId ? ` (pinned to ${task.pinServerId})` : ''}</dd>
      </div>
      <div>
        <dt>Attempts / requeues</dt>
        <dd>
          {task.attempt} / {task.requeues}
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <Ago at={task.createdAt} />
        </dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>
          <Ago at={task.updatedAt} />
        </dd>
      </div>
      {task.status === 'running' && task.progress && (
        <div>
          <dt>Progress</dt>
          <dd>
            <ProgressBar value={task.progress.value} max={task.progress.max} />
          </dd>
        </div>
      )}
      {task.status === 'queued' && task.waiting && (
        <div>
          <dt>Waiting</dt>
          <dd className="cell-waiting">{task.waiting}</dd>
        </div>
      )}
      {task.parentId && (
        <div>
          <dt>Re-run of</dt>
          <dd>
            <a href={taskHref(task.parentId)} data-testid="parent-link" title={task.parentId}>
              {shortId(task.parentId)}
            </a>
          </dd>
        </div>
      )}
      {children.length > 0 && (
        <div>
          <dt>Re-runs</dt>
          <dd data-testid="children">
            {children.map((c, i) => (
              <span key={c.id}>
                {i > 0 && ', '}
                <a href={taskHref(c.id)} title={c.id}>
                  {shortId(c.id)}
                </a>
              </span>
            ))}
          </dd>
        </div>
      )}
    </dl>
  );
}
