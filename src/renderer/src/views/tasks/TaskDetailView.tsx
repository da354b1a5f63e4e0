import { StatusBadge } from '../../ui/StatusBadge';
import { useFleetStore } from '../../store/fleet/store';
import { AttemptsTable } from './AttemptsTable';
import { EndReason, isStopReason } from './EndReason';
import { EventTimeline } from './EventTimeline';
import { NodeErrorList } from './NodeErrorList';
import { OutputPreviews } from './OutputPreviews';
import { TaskDetailActions } from './TaskDetailActions';
import { TaskFacts } from './TaskFacts';
import { statusTone } from './task-status';
import { useServerNames } from './use-server-names';
import { useTaskDetail } from './use-task-detail';
import { WorkflowPanel } from './WorkflowPanel';
import './tasks.css';

/** U3: one task — facts, actions, errors per node, outputs, workflow, events and attempts. */
export function TaskDetailView({ id }: { id: string }) {
  const { detail, error, waiting, reload } = useTaskDetail(id);
  const liveTask = useFleetStore((s) => s.tasks[id]);
  const servers = useServerNames();
  // The live row may be newer than the last fetch (progress comes faster than refetches).
  const task = detail && liveTask && liveTask.version >= detail.task.version ? liveTask : (detail?.task ?? null);
  return (
    <section className="view" aria-labelledby="task-title">
      <div className="view-head">
        <h2 id="task-title" className="view-title">
          Task <span className="mono">{id}</span>
        </h2>
        {task && <StatusBadge label={task.status} tone={statusTone(task.status)} />}
        <a className="btn btn-quiet btn-neutral head-link" href="#/tasks">
          All tasks
        </a>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {!task && !error && <p className="muted">{waiting ? 'waiting for the engine connection…' : 'loading…'}</p>}
      {task && detail && (
        <>
          <TaskFacts task={task} serverName={task.serverId ? (servers.byId[task.serverId] ?? null) : null} />
          <TaskDetailActions task={task} onChanged={reload} />
          {task.error && (isStopReason(task.status) ? <EndReason status={task.status} error={task.error} /> : <NodeErrorList error={task.error} />)}
          <OutputPreviews taskId={task.id} outputs={task.outputs} />
          <WorkflowPanel id={task.id} />
          <EventTimeline events={detail.events} serverNames={servers.byId} />
          <AttemptsTable attempts={detail.attempts} serverNames={servers.byId} />
        </>
      )}
    </section>
  );
}
