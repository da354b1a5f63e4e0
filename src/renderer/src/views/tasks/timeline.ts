import type { TaskEvent } from '../../../../shared/tasks';

/** A line of the event timeline: one event, or a run of progress events folded into one. */
export interface TimelineLine {
  id: number;
  at: number;
  kind: 'created' | 'transition' | 'progress' | 'message';
  level: 'info' | 'warning' | 'error';
  text: string;
}

function describe(e: TaskEvent, serverName: (id: string) => string): Omit<TimelineLine, 'id' | 'at'> {
  switch (e.kind) {
    case 'created':
      return { kind: 'created', level: 'info', text: `created (type ${e.type}, session ${e.sessionId}${e.key ? `, key ${e.key}` : ''}${e.parentId ? `, re-run of ${e.parentId}` : ''})` };
    case 'transition': {
      const body = e as Extract<TaskEvent, { kind: 'transition' }>;
      const arrow = `${body.from} → ${body.to}`;
      switch (body.to) {
        case 'dispatched':
          return { kind: 'transition', level: 'info', text: `${arrow} on ${serverName(body.serverId)} (attempt ${body.attempt}, prompt ${body.promptId})` };
        case 'succeeded':
          return { kind: 'transition', level: 'info', text: `${arrow} with ${body.outputs.length} output${body.outputs.length === 1 ? '' : 's'}` };
        case 'failed':
          return { kind: 'transition', level: 'error', text: `${arrow}: ${body.error.message}` };
        case 'cancelled':
        case 'interrupted':
        case 'queued':
          return { kind: 'transition', level: body.to === 'queued' ? 'warning' : 'info', text: `${arrow}: ${body.reason}` };
        default:
          return { kind: 'transition', level: 'info', text: arrow };
      }
    }
    case 'progress':
      return { kind: 'progress', level: 'info', text: `progress ${e.progress.value}/${e.progress.max}${e.progress.nodeId ? ` (node ${e.progress.nodeId})` : ''}` };
    case 'message':
      return { kind: 'message', level: e.level, text: e.text };
  }
}

/**
 * Events oldest first, as lines. A run of progress events (one per sampler step) becomes one line
 * showing the last value: the timeline stays readable, the warnings ("may run twice") stand out.
 */
export function timelineLines(events: readonly TaskEvent[], serverName: (id: string) => string = (id) => id): TimelineLine[] {
  const sorted = [...events].sort((a, b) => a.at - b.at || a.id - b.id);
  const lines: TimelineLine[] = [];
  let run = 0;
  for (const e of sorted) {
    const line = { id: e.id, at: e.at, ...describe(e, serverName) };
    const last = lines.at(-1);
    if (line.kind === 'progress' && last?.kind === 'progress') {
      run += 1;
      lines[lines.length - 1] = { ...line, text: `${line.text} (${run} updates)` };
      continue;
    }
    run = line.kind === 'progress' ? 1 : 0;
    lines.push(line);
  }
  return lines;
}
