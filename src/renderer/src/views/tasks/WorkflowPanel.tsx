import { useState } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { JsonViewer } from '../../ui/JsonViewer';

/** The submitted workflow, fetched only when opened (it may be megabytes). */
export function WorkflowPanel({ id }: { id: TaskId }) {
  const api = useFleetApi();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    if (text !== null) return;
    void api.call('tasks.workflow', { id }).then((r) => {
      if (r.ok) setText(JSON.stringify(r.value, null, 2));
      else setError(r.error.message);
    });
  };
  return (
    <JsonViewer summary={<strong>Workflow</strong>} text={text} onOpen={load}>
      {text === null && !error && <p className="muted" style={{ margin: '0 10px 8px' }}>loading…</p>}
      {error && (
        <p className="form-error" role="alert" style={{ margin: '0 10px 8px' }}>
          {error}
        </p>
      )}
    </JsonViewer>
  );
}
