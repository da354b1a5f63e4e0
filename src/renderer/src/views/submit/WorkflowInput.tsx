import { useState, type DragEvent } from 'react';
import { EXAMPLE_TEXT } from './example-workflow';

interface Props {
  text: string;
  onChange(text: string): void;
  /** Where the JSON is broken, if it is. */
  parseError: { message: string; line: number; column: number } | null;
}

/** Reads a dropped or chosen file as text; the caller parses it like pasted text. */
function readFile(file: File, onText: (text: string) => void, onError: (message: string) => void): void {
  const reader = new FileReader();
  reader.onload = () => onText(String(reader.result ?? ''));
  reader.onerror = () => onError(`could not read ${file.name}: ${reader.error?.message ?? 'unknown error'}`);
  reader.readAsText(file);
}

/** U5: the workflow JSON, pasted, opened from a .json file, dropped, or the example. */
export function WorkflowInput({ text, onChange, parseError }: Props) {
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent<HTMLTextAreaElement>) => {
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    setDragging(false);
    setFileError(null);
    readFile(file, onChange, setFileError);
  };
  return (
    <div className="workflow-input">
      <div className="workflow-tools">
        <label htmlFor="workflow-text">
          <strong>Workflow</strong> <span className="muted">(ComfyUI API format: “Save (API Format)”)</span>
        </label>
        <label className="btn btn-quiet btn-neutral file-pick">
          Open .json…
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) readFile(file, onChange, setFileError);
              e.target.value = '';
            }}
          />
        </label>
        <button type="button" className="btn btn-quiet btn-neutral" onClick={() => onChange(EXAMPLE_TEXT)}>
          Load example
        </button>
      </div>
      <textarea
        id="workflow-text"
        className={`input workflow-text${dragging ? ' dragging' : ''}`}
        value={text}
        spellCheck={false}
        placeholder='{"3": {"class_type": "KSampler", "inputs": {…}}, …} — paste, or drop a .json file here'
        onChange={(e) => onChange(e.target.value)}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-invalid={parseError !== null}
        aria-describedby="workflow-error"
        data-testid="workflow-text"
      />
      <p id="workflow-error" className="form-error" role={parseError || fileError ? 'alert' : undefined}>
        {parseError && `Not valid JSON at line ${parseError.line}, column ${parseError.column}: ${parseError.message}`}
        {fileError}
      </p>
    </div>
  );
}
