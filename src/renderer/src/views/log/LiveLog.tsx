import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ApiError, LogLine } from '../../../../shared/api';
import { useFleetApi } from '../../components/api-context';
import { useFleetStore } from '../../store/fleet/store';
import { useEngineOpen, useEngineOpens } from '../../sync/use-engine';
import { ENGINE_OFFLINE_HINT } from '../../components/ActionButton';
import { selectLog } from '../../store/fleet/slices/live/selectors';
import { formatClock } from '../../time/format';
import { isAtBottom, mergeLog } from './log-merge';

/** The engine's log: the tail fetched once, then the store's live lines; follows the end unless scrolled up. */
export function LiveLog() {
  const api = useFleetApi();
  const live = useFleetStore(selectLog);
  const [tail, setTail] = useState<LogLine[]>([]);
  const [verbose, setVerbose] = useState<boolean | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const opens = useEngineOpens();
  const engineOpen = useEngineOpen();

  useEffect(() => {
    let cancelled = false;
    void api.call('log.tail', { limit: 500 }).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setTail(r.value.lines);
        setVerbose(r.value.verbose);
        setError(null);
      } else if (r.error.code !== 'disconnected') setError(r.error);
    });
    return () => {
      cancelled = true;
    };
    // Again on each (re)connection: a tail asked for before the link opened was never sent.
  }, [api, opens]);

  const lines = useMemo(() => mergeLog(tail, live), [tail, live]);

  // Before paint, so a followed log never shows a frame scrolled away from its end.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  // Optimistic: the box follows the click at once, then the engine's answer (or the old value on an error).
  const toggleVerbose = async (): Promise<void> => {
    const before = verbose;
    setVerbose(!before);
    const r = await api.call('log.setVerbose', { verbose: !before });
    if (r.ok) setVerbose(r.value.verbose);
    else {
      setVerbose(before);
      setError(r.error);
    }
  };

  return (
    <section className="panel" aria-labelledby="live-log-title" data-testid="live-log">
      <div className="panel-head">
        <h3 id="live-log-title" className="panel-title">
          Log
        </h3>
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="verbose-toggle"
            checked={verbose ?? false}
            disabled={verbose === null || !engineOpen}
            aria-describedby={engineOpen ? undefined : ENGINE_OFFLINE_HINT}
            onChange={() => void toggleVerbose()}
          />
          Verbose (every socket and probe event)
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div
        ref={box}
        className="log-lines"
        role="log"
        aria-live="off"
        tabIndex={0}
        data-testid="log-lines"
        onScroll={(e) => {
          follow.current = isAtBottom(e.currentTarget);
        }}
      >
        {lines.map((l) => (
          <div key={l.seq} className={`log-line log-${l.level}`}>
            <span className="log-time">{formatClock(l.at)}</span> {l.text}
          </div>
        ))}
      </div>
    </section>
  );
}
