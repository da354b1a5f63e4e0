import { useEffect, useRef, useState } from 'react';
import type { OutputFile } from '../../../../shared/api';
import type { TaskId, TaskOutput } from '../../../../shared/tasks';
import { useFleetApi } from '../../components/api-context';

const dataUrl = (file: OutputFile): string => `data:${file.contentType};base64,${file.base64}`;

/** One output: its thumbnail from the console's data folder (never from a server, T6). */
function OutputTile({ taskId, index, output, onOpen }: { taskId: TaskId; index: number; output: TaskOutput; onOpen(index: number): void }) {
  const api = useFleetApi();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(output.error ?? null);
  // `file` is null when the console could not fetch it; absent on older rows, so try then.
  const stored = output.file !== null;
  useEffect(() => {
    if (!stored) return;
    let live = true;
    void api.call('tasks.output', { id: taskId, index, thumbnail: true }).then((r) => {
      if (!live) return;
      if (r.ok) setSrc(dataUrl(r.value));
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, taskId, index, stored]);
  return (
    <button type="button" className="output-tile" onClick={() => onOpen(index)} disabled={!stored} aria-label={`open output ${output.filename}`}>
      {src ? <img src={src} alt={output.filename} data-testid="output-thumb" /> : <span className="muted">{error ?? (stored ? 'loading…' : 'not stored')}</span>}
      <span title={`${output.subfolder ? `${output.subfolder}/` : ''}${output.filename}`}>
        node {output.nodeId}: {output.filename}
      </span>
    </button>
  );
}

/** The full image in a modal; Escape or a click closes it. */
function Lightbox({ taskId, index, onClose }: { taskId: TaskId; index: number; onClose(): void }) {
  const api = useFleetApi();
  const ref = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<{ src: string | null; error: string | null }>({ src: null, error: null });
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  useEffect(() => {
    let live = true;
    void api.call('tasks.output', { id: taskId, index }).then((r) => {
      if (live) setState(r.ok ? { src: dataUrl(r.value), error: null } : { src: null, error: r.error.message });
    });
    return () => {
      live = false;
    };
  }, [api, taskId, index]);
  return (
    <dialog ref={ref} className="lightbox" onClose={onClose} onClick={onClose} aria-label="Output">
      {state.src ? <img src={state.src} alt={`output ${index + 1}`} data-testid="output-full" /> : <p>{state.error ?? 'loading…'}</p>}
    </dialog>
  );
}

/** U3: thumbnails of the task's outputs; a click shows the full image. */
export function OutputPreviews({ taskId, outputs }: { taskId: TaskId; outputs: TaskOutput[] }) {
  const [open, setOpen] = useState<number | null>(null);
  if (outputs.length === 0) return null;
  return (
    <section className="detail-section" aria-labelledby="outputs-title">
      <h3 id="outputs-title">Outputs</h3>
      <div className="outputs">
        {outputs.map((o, i) => (
          <OutputTile key={`${i}:${o.filename}`} taskId={taskId} index={i} output={o} onOpen={setOpen} />
        ))}
      </div>
      {open !== null && <Lightbox taskId={taskId} index={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
