import { useMemo } from 'react';
import type { TaskEvent } from '../../../../shared/tasks';
import { formatClock } from '../../time/format';
import { timelineLines } from './timeline';

/** U3: what happened to the task, oldest first; warnings and errors in their colours. */
export function EventTimeline({ events, serverNames }: { events: TaskEvent[]; serverNames: Record<string, string> }) {
  const lines = useMemo(() => timelineLines(events, (id) => serverNames[id] ?? id), [events, serverNames]);
  return (
    <section className="detail-section" aria-labelledby="timeline-title">
      <h3 id="timeline-title">Events</h3>
      <ol className="timeline" data-testid="timeline">
        {lines.map((line) => (
          <li key={line.id} className={`level-${line.level}`} data-kind={line.kind}>
            <time dateTime={new Date(line.at).toISOString()}>{formatClock(line.at)}</time>
            <span className="muted">{line.level === 'info' ? line.kind : line.level}</span>
            <span>{line.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
