/** The trace categories that carry every task of every thread (cheap: one event per task). */
export const TASK_TRACE_CATEGORIES = ['toplevel', 'blink.user_timing'];

/** User Timing marks the page probe leaves at the start and end of its window. */
const START_MARK = 'p5-start';
const STOP_MARK = 'p5-stop';

interface TraceEvent {
  name?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  /** Thread (CPU) time of the event, when the trace records it. */
  tdur?: number;
  args?: { name?: string; src_func?: string; src_file?: string };
}

export interface MainThreadTask {
  /** Start on the trace clock (µs). */
  ts: number;
  /** Wall time in ms (what the page waits), and the thread's CPU time in it when known. */
  ms: number;
  cpuMs: number | null;
  /** Where the task was posted from (Chromium's task annotation, e.g. `DOMTimer`, `WebSocketChannelImpl`). */
  source: string;
}

export interface MainThreadTasks {
  /** Durations in ms of every task the page's main thread ran inside the window, in order. */
  durations: number[];
  tasks: MainThreadTask[];
  /** Milliseconds the main thread spent in tasks. */
  busyMs: number;
  /** Renderer main threads in the trace (normally one per page). */
  rendererThreads: number;
  /** Whether the probe's marks bounded the window (else the whole trace counts). */
  windowFromMarks: boolean;
  /** `pid/tid` of the page's main thread. */
  thread: string | null;
}

/**
 * Every task the renderer's main thread ran, from a Chromium trace of the `toplevel` category:
 * the complete (`X`) `ThreadControllerImpl::RunTask` events on the thread named `CrRendererMain`
 * (the same unit of work the Long Tasks API reports when it exceeds 50 ms). When the trace has
 * more than one renderer main thread, the busiest one is the page. Only tasks that start between
 * the probe's `p5-start` and `p5-stop` marks count.
 */
export function mainThreadTasks(trace: Buffer | string): MainThreadTasks {
  const parsed = JSON.parse(trace.toString()) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set<string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}/${e.tid}`);
  const markTs = (name: string) => events.find((e) => e.name === name && e.ts !== undefined)?.ts;
  const from = markTs(START_MARK);
  const to = markTs(STOP_MARK);
  const windowFromMarks = from !== undefined && to !== undefined && to > from;
  const byThread = new Map<string, MainThreadTask[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || e.dur === undefined || e.ts === undefined) continue;
    if (windowFromMarks && (e.ts < from || e.ts >= to)) continue;
    const key = `${e.pid}/${e.tid}`;
    if (!mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    const source = [e.args?.src_func, e.args?.src_file?.replace(/^.*\//, '')].filter(Boolean).join(' @ ') || 'unknown';
    list.push({ ts: e.ts, ms: e.dur / 1000, cpuMs: e.tdur === undefined ? null : e.tdur / 1000, source });
  }
  let best: MainThreadTask[] = [];
  let bestBusy = -1;
  let thread: string | null = null;
  for (const [key, list] of byThread) {
    const busy = list.reduce((a, t) => a + t.ms, 0);
    if (busy > bestBusy) {
      best = list;
      bestBusy = busy;
      thread = key;
    }
  }
  return { durations: best.map((t) => t.ms), tasks: best, busyMs: Math.max(0, bestBusy), rendererThreads: mains.size, windowFromMarks, thread };
}

/** Trace categories for {@link jankBreakdown} (heavier: diagnosis only). */
export const TIMELINE_TRACE_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline'];

/**
 * Diagnosis: for the page's main-thread tasks of at least `minMs`, the timeline events inside
 * them (style, layout, paint, script entry points, GC…) by the time they take, nested ones
 * counted in their own right, heaviest first.
 */
export function jankBreakdown(trace: Buffer | string, minMs: number): { tasks: number; ms: number; inside: [string, number][] } {
  const parsed = JSON.parse(trace.toString()) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const { tasks, thread } = mainThreadTasks(trace);
  const long = tasks.filter((t) => t.ms >= minMs).sort((a, b) => a.ts - b.ts);
  const inside = new Map<string, number>();
  const onThread = events.filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts !== undefined && `${e.pid}/${e.tid}` === thread && e.name && !/RunTask$/.test(e.name));
  for (const e of onThread) {
    const ts = e.ts as number;
    if (!long.some((t) => ts >= t.ts && ts < t.ts + t.ms * 1000)) continue;
    inside.set(e.name as string, (inside.get(e.name as string) ?? 0) + (e.dur as number) / 1000);
  }
  return { tasks: long.length, ms: long.reduce((a, t) => a + t.ms, 0), inside: [...inside.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12) };
}
