import { useEffect, useState } from 'react';
import type { OutputFile } from '../../../../shared/api';
import type { TaskId, TaskOutput } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { useEngineOpens } from '../../sync/use-engine';
import { Dialog } from '../../ui/Dialog';
import './output-viewer.css';

export const dataUrl = (file: OutputFile): string => `data:${file.contentType};base64,${file.base64}`;

/**
 * One output at full size, in a modal dialog named after its file: focus starts on Close and
 * stays inside (Tab wraps), Escape, Close or a click beside it closes it, and focus goes back to
 * the thumbnail that opened it. The picture comes from the console's data folder (T6) and can
 * be saved under its own name.
 */
export function OutputViewer({ taskId, index, output, onClose }: { taskId: TaskId; index: number; output: TaskOutput; onClose(): void }) {
  const api = useFleetApi();
  const [state, setState] = useState<{ src: string | null; error: string | null }>({ src: null, error: null });
  const opens = useEngineOpens();
  useEffect(() => {
    let live = true;
    void api.call('tasks.output', { id: taskId, index }).then((r) => {
      if (live) setState(r.ok ? { src: dataUrl(r.value), error: null } : { src: null, error: r.error.message });
    });
    return () => {
      live = false;
    };
    // Again on each (re)connection: a picture asked for while the link was down was never sent.
  }, [api, taskId, index, opens]);
  const path = `${output.subfolder ? `${output.subfolder}/` : ''}${output.filename}`;
  return (
    <Dialog title={output.filename} onClose={onClose} testId="output-viewer" className="output-viewer">
      <p className="muted output-viewer-meta">
        node {output.nodeId} · <span className="mono">{path}</span>
      </p>
      <div className="output-viewer-image">
        {state.src ? (
          <img src={state.src} alt={output.filename} data-testid="output-full" />
        ) : (
          <p className={state.error ? 'form-error' : 'muted'} role={state.error ? 'alert' : 'status'}>
            {state.error ?? 'loading…'}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        {state.src && (
          <a className="btn" href={state.src} download={output.filename} data-testid="output-download">
            Download
          </a>
        )}
        <button type="button" className="btn btn-primary" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
