import { useEffect, useState } from 'react';
import type { TaskId, TaskOutput } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';
import { useEngineOpens } from '../../sync/use-engine';
import { dataUrl, OutputViewer } from './OutputViewer';

/** One output: its thumbnail from the console's data folder (never from a server, T6). */
function OutputTile({ taskId, index, output, onOpen }: { taskId: TaskId; index: number; output: TaskOutput; onOpen(index: number): void }) {
  const api = useFleetApi();
  const opens = useEngineOpens();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(output.error ?? null);
  // `file` is null when the console could not fetch it; absent on older rows, so try then.
  const stored = output.file !== null;
  useEffect(() => {
    if (!stored) return;
    let live = true;
    void api.call('tasks.output', { id: taskId, index, thumbnail: true }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setSrc(dataUrl(r.value));
        setError(null);
      } else if (r.error.code !== 'disconnected') setError(r.error.message);
    });
    return () => {
      live = false;
    };
    // Again on each (re)connection: a thumbnail asked for before the link opened was never sent.
  }, [api, taskId, index, stored, opens]);
  return (
    <button type="button" className="output-tile" onClick={() => onOpen(index)} disabled={!stored} aria-label={`open output ${output.filename}`}>
      {src ? <img src={src} alt={output.filename} data-testid="output-thumb" /> : <span className="muted">{error ?? (stored ? 'loading…' : 'not stored')}</span>}
      <span title={`${output.subfolder ? `${output.subfolder}/` : ''}${output.filename}`}>
        node {output.nodeId}: {output.filename}
      </span>
    </button>
  );
}

/** U3: thumbnails of the task's outputs; a click shows the full image. */
export function OutputPreviews({ taskId, outputs }: { taskId: TaskId; outputs: TaskOutput[] }) {
  const [open, setOpen] = useState<number | null>(null);
  if (outputs.length === 0) return null;
  const shown = open === null ? undefined : outputs[open];
  return (
    <section className="detail-section" aria-labelledby="outputs-title">
      <h3 id="outputs-title">Outputs</h3>
      <div className="outputs">
        {outputs.map((o, i) => (
          <OutputTile key={`${i}:${o.filename}`} taskId={taskId} index={i} output={o} onOpen={setOpen} />
        ))}
      </div>
      {open !== null && shown && <OutputViewer taskId={taskId} index={open} output={shown} onClose={() => setOpen(null)} />}
    </section>
  );
}
