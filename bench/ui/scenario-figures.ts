import { pct } from '../support';
import type { TrafficFigures } from './bridge-traffic';
import type { ProbeWindow } from './page-probe';
import type { MainThreadTasks } from './trace-tasks';

/** A frame at 60 Hz: a task at least this long can cost a frame. */
export const FRAME_MS = 1000 / 60;

export interface ScenarioFigures {
  seconds: number;
  /** rAF callbacks in the window, and their rate. */
  frames: number;
  fps: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  /** Frames a 60 Hz display would have shown that the page did not produce. */
  droppedFrames: number;
  /** Every main-thread task (trace). */
  taskCount: number;
  taskP50: number;
  taskP95: number;
  taskP99: number;
  taskMax: number;
  /** p95 of the thread CPU time of every task, and of the tasks ≥ 16.7 ms (wall): how much of their length was work rather than waiting for a core. */
  taskCpuP95: number;
  jankTaskCpuP95: number;
  /** Where the tasks ≥ 16.7 ms were posted from, most time first. */
  jankSources: { source: string; count: number; ms: number }[];
  /** Share of the window the main thread spent in tasks. */
  busyShare: number;
  /** How the trace was cut to the window: by the probe's marks, or the whole trace when they were missing. */
  traceWindow: 'marks' | 'whole trace';
  /** Tasks ≥ one frame (16.7 ms), and p95 over them (0 when none). */
  jankTasks: number;
  jankTaskP95: number;
  /** Tasks over 50 ms in the trace (the Long Tasks API's threshold). */
  tasksOver50: number;
  /** Long Tasks API entries. */
  longtasks: number;
  longtaskP95: number;
  longtaskMax: number;
  longtaskTotal: number;
  /** Long animation frames (> 50 ms), their p95 and total blocking time; null when unsupported. */
  loafs: number;
  loafP95: number;
  loafBlockingMs: number;
  /** Scripts that ran in long animation frames, heaviest first. */
  topScripts: { what: string; ms: number; count: number; forcedLayoutMs: number }[];
  bridge: TrafficFigures;
}

export function scenarioFigures(w: ProbeWindow, trace: MainThreadTasks, bridge: TrafficFigures): ScenarioFigures {
  const seconds = (w.t1 - w.t0) / 1000;
  const intervals = w.frames.slice(1).map((t, i) => t - (w.frames[i] as number));
  const dropped = intervals.reduce((a, d) => a + Math.max(0, Math.round(d / FRAME_MS) - 1), 0);
  const tasks = trace.durations;
  const jank = tasks.filter((d) => d >= FRAME_MS);
  const jankTasks = trace.tasks.filter((t) => t.ms >= FRAME_MS);
  const cpu = (list: typeof trace.tasks) => list.map((t) => t.cpuMs).filter((x): x is number => x !== null);
  const sources = new Map<string, { source: string; count: number; ms: number }>();
  for (const t of jankTasks) {
    const e = sources.get(t.source) ?? { source: t.source, count: 0, ms: 0 };
    e.count++;
    e.ms += t.ms;
    sources.set(t.source, e);
  }
  const lt = w.longtasks.map((t) => t.duration);
  const scripts = new Map<string, { what: string; ms: number; count: number; forcedLayoutMs: number }>();
  for (const f of w.loafs) {
    for (const s of f.scripts) {
      const what = `${s.invokerType} ${s.invoker}${s.fn ? ` → ${s.fn}` : ''}${s.src ? ` (${s.src})` : ''}`;
      const e = scripts.get(what) ?? { what, ms: 0, count: 0, forcedLayoutMs: 0 };
      e.ms += s.duration;
      e.count++;
      e.forcedLayoutMs += s.forcedLayout;
      scripts.set(what, e);
    }
  }
  const orZero = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    seconds,
    frames: w.frames.length,
    fps: w.frames.length / seconds,
    frameP50: orZero(pct(intervals, 50)),
    frameP95: orZero(pct(intervals, 95)),
    frameMax: intervals.length ? Math.max(...intervals) : 0,
    droppedFrames: dropped,
    taskCount: tasks.length,
    taskP50: orZero(pct(tasks, 50)),
    taskP95: orZero(pct(tasks, 95)),
    taskP99: orZero(pct(tasks, 99)),
    taskMax: tasks.length ? Math.max(...tasks) : 0,
    taskCpuP95: orZero(pct(cpu(trace.tasks), 95)),
    jankTaskCpuP95: orZero(pct(cpu(jankTasks), 95)),
    jankSources: [...sources.values()].sort((a, b) => b.ms - a.ms).slice(0, 5),
    busyShare: trace.busyMs / (seconds * 1000),
    traceWindow: trace.windowFromMarks ? 'marks' : 'whole trace',
    jankTasks: jank.length,
    jankTaskP95: orZero(pct(jank, 95)),
    tasksOver50: tasks.filter((d) => d > 50).length,
    longtasks: lt.length,
    longtaskP95: orZero(pct(lt, 95)),
    longtaskMax: lt.length ? Math.max(...lt) : 0,
    longtaskTotal: lt.reduce((a, b) => a + b, 0),
    loafs: w.loafs.length,
    loafP95: orZero(pct(w.loafs.map((f) => f.duration), 95)),
    loafBlockingMs: w.loafs.reduce((a, f) => a + f.blocking, 0),
    topScripts: [...scripts.values()].sort((a, b) => b.ms - a.ms).slice(0, 5),
    bridge,
  };
}

const f1 = (x: number) => x.toFixed(1);

export function formatScenario(name: string, s: ScenarioFigures): string {
  const lines = [
    `${name}: ${f1(s.seconds)} s, ${s.frames} frames (${f1(s.fps)} fps; interval p50 ${f1(s.frameP50)} / p95 ${f1(s.frameP95)} / max ${f1(s.frameMax)} ms; ${s.droppedFrames} frames dropped at 60 Hz)`,
    `  main-thread tasks (trace, ${s.traceWindow}): ${s.taskCount}, p50 ${s.taskP50.toFixed(2)} / p95 ${s.taskP95.toFixed(2)} / p99 ${f1(s.taskP99)} / max ${f1(s.taskMax)} ms; busy ${(s.busyShare * 100).toFixed(0)} %; ` +
      `≥ 16.7 ms: ${s.jankTasks} (p95 ${f1(s.jankTaskP95)} ms); > 50 ms: ${s.tasksOver50}`,
    `  thread CPU time (the rest of a task's wall time is waiting for a core on this machine): p95 ${s.taskCpuP95.toFixed(2)} ms over all tasks, ${f1(s.jankTaskCpuP95)} ms over the tasks ≥ 16.7 ms`,
    ...s.jankSources.map((j) => `  tasks ≥ 16.7 ms from ${j.source}: ${j.count}, ${f1(j.ms)} ms`),
    `  Long Tasks API: ${s.longtasks} (p95 ${f1(s.longtaskP95)} / max ${f1(s.longtaskMax)} ms, ${f1(s.longtaskTotal)} ms in all); long animation frames: ${s.loafs} (p95 ${f1(s.loafP95)} ms, blocking ${f1(s.loafBlockingMs)} ms)`,
    `  bridge: ${f1(s.bridge.framesPerSecond)} frames/s, ${f1(s.bridge.kbPerSecond)} KB/s; ${f1(s.bridge.batchesPerSecond)} delta batches/s with ${f1(s.bridge.serverUpsertsPerSecond)} server updates/s, ${f1(s.bridge.taskUpsertsPerSecond)} task updates/s, ${f1(s.bridge.otherDeltasPerSecond)} other deltas/s; ${f1(s.bridge.resultsPerSecond)} call results/s`,
  ];
  for (const t of s.topScripts) lines.push(`  in long frames: ${f1(t.ms)} ms over ${t.count} run(s)${t.forcedLayoutMs ? ` (forced layout ${f1(t.forcedLayoutMs)} ms)` : ''}: ${t.what}`);
  return lines.join('\n');
}

/** The side-by-side table printed at the end. */
export function formatTable(rows: { name: string; s: ScenarioFigures | null }[]): string {
  const head = ['scenario', 'secs', 'frames', 'fps', 'frame p95', 'tasks', 'task p95', 'task max', '≥16.7ms', 'jank p95', 'longtasks', 'lt p95', 'lt max', 'LoAFs', 'busy', 'srv upd/s'];
  const body = rows.map(({ name, s }) =>
    s
      ? [name, f1(s.seconds), String(s.frames), f1(s.fps), f1(s.frameP95), String(s.taskCount), s.taskP95.toFixed(2), f1(s.taskMax), String(s.jankTasks), f1(s.jankTaskP95), String(s.longtasks), f1(s.longtaskP95), f1(s.longtaskMax), String(s.loafs), `${(s.busyShare * 100).toFixed(0)}%`, f1(s.bridge.serverUpsertsPerSecond)]
      : [name, ...head.slice(1).map(() => 'na')],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(i === 0 ? 0 : (widths[i] ?? 0)).padEnd(i === 0 ? (widths[0] ?? 0) : 0)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
