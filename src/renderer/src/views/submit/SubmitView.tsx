import { useDeferredValue, useMemo, useState, type FormEvent } from 'react';
import type { SubmitArgs } from '../../../../shared/api';
import { ActionButton } from '../../components/ActionButton';
import { useFleetApi } from '../../components/api-context';
import { ServerSelect } from '../tasks/ServerSelect';
import { useTaskTypes } from '../tasks/use-task-types';
import { clampCopies, expandCopies, MAX_COPIES } from './copies';
import { parseJson } from './json-position';
import { listNodes, placeIssues, type PlacedIssues } from './node-issues';
import { NodeList } from './NodeList';
import { SubmitResults, type CopyResult } from './SubmitResults';
import { WorkflowInput } from './WorkflowInput';
import './submit.css';

const NO_ISSUES: PlacedIssues = { byNode: new Map(), general: [] };

/** U5: submit a workflow, optionally several copies, and see what each submission did (T2). */
export function SubmitView() {
  const api = useFleetApi();
  const types = useTaskTypes();
  const [text, setText] = useState('');
  const [key, setKey] = useState('');
  const [type, setType] = useState('default');
  const [session, setSession] = useState('');
  const [pin, setPin] = useState('');
  const [copies, setCopies] = useState(1);
  const [results, setResults] = useState<CopyResult[]>([]);
  const [issues, setIssues] = useState<PlacedIssues>(NO_ISSUES);
  const [busy, setBusy] = useState(false);

  // Parsing a multi-megabyte paste on every key stroke would stall typing; React parses the
  // deferred text when it has time.
  const deferred = useDeferredValue(text);
  const parsed = useMemo(() => (deferred.trim() ? parseJson(deferred) : null), [deferred]);
  const nodes = useMemo(() => (parsed?.ok ? listNodes(parsed.value) : []), [parsed]);
  const keys = expandCopies(key, copies);

  const editText = (next: string) => {
    setText(next);
    // The engine's issues describe the text it saw, not this one.
    setIssues(NO_ISSUES);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const now = parseJson(text);
    if (!now.ok) return;
    setBusy(true);
    setIssues(NO_ISSUES);
    // Each copy is sent after the previous one answered, so the outcomes come in order.
    let list: CopyResult[] = keys.map((k) => ({ key: k, result: null }));
    setResults(list);
    for (let i = 0; i < keys.length; i++) {
      const copyKey = keys[i] ?? null;
      const args: SubmitArgs = { workflow: now.value, type };
      if (copyKey) args.key = copyKey;
      if (session.trim()) args.sessionId = session.trim();
      if (pin) args.pinServerId = pin;
      const result = await api.call('tasks.submit', args);
      list = list.map((r, j) => (j === i ? { key: copyKey, result } : r));
      setResults(list);
      // The same graph fails the same way for every copy: show it once, by node, and stop.
      if (!result.ok && (result.error.code === 'invalid_workflow' || result.error.code === 'too_large' || result.error.code === 'unknown_type')) {
        setIssues(placeIssues(result.error, nodes.map((n) => n.id)));
        setResults(list.slice(0, i + 1));
        break;
      }
    }
    setBusy(false);
  };

  const parseError = parsed && !parsed.ok ? parsed : null;
  return (
    <section className="view submit-view" aria-labelledby="submit-title">
      <h2 id="submit-title" className="view-title">
        Submit
      </h2>
      <form className="submit-grid" onSubmit={(e) => void submit(e)}>
        <div className="submit-main">
          <WorkflowInput text={text} onChange={editText} parseError={parseError} />
          {issues.general.length > 0 && (
            <ul className="submit-general-errors" role="alert" data-testid="submit-errors">
              {issues.general.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          )}
          <NodeList nodes={nodes} byNode={issues.byNode} />
        </div>
        <div className="submit-side">
          <label>
            Idempotency key <span className="muted">(optional, e.g. an order id)</span>
            <input className="input" value={key} onChange={(e) => setKey(e.target.value)} placeholder="order-4711" />
          </label>
          <label>
            Type
            <select className="input" value={type} onChange={(e) => setType(e.target.value)}>
              {types.length === 0 && <option value="default">default</option>}
              {types.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type} ({t.mode})
                </option>
              ))}
            </select>
          </label>
          <label>
            Session <span className="muted">(optional; a session's tasks stay on one server)</span>
            <input className="input" value={session} onChange={(e) => setSession(e.target.value)} placeholder="the console's own" />
          </label>
          <label>
            Server <span className="muted">(optional pin)</span>
            <ServerSelect value={pin} onChange={setPin} anyLabel="any (the balancer picks)" />
          </label>
          <label>
            Copies
            <input className="input" type="number" min={1} max={MAX_COPIES} value={copies} onChange={(e) => setCopies(clampCopies(Number(e.target.value)))} />
          </label>
          <p className="muted hint">
            {copies === 1
              ? key.trim()
                ? `One task with key "${key.trim()}". Submitting the same key again returns the existing task instead of running it twice.`
                : 'One task without a key: each submission makes a new task.'
              : key.trim()
                ? `${copies} tasks with keys "${keys[0]}" … "${keys.at(-1)}", so each copy is its own task and a repeat submission is deduplicated per copy.`
                : `${copies} tasks without keys.`}
          </p>
          <ActionButton type="submit" className="btn btn-primary" disabled={busy || !text.trim() || parseError !== null}>
            {busy ? 'Submitting…' : copies === 1 ? 'Submit' : `Submit ${copies} copies`}
          </ActionButton>
          <SubmitResults results={results} />
        </div>
      </form>
    </section>
  );
}
