/**
 * The ledger of a chaos run, computed once the drain is over: what the engine's task ledger
 * says, checked against what the order service was told and what the simulators actually ran.
 * Pure over its inputs, so the figures can be recomputed from saved data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskDetail } from '../src/shared/api';
import type { LockView, TaskCounts } from '../src/shared/tasks';
import type { ExecutionRecord } from '../sim/src';
import type { CrashRecord } from './injector';
import type { Answer } from './order-service';

export interface LedgerInput {
  seed: number;
  details: TaskDetail[];
  counts: TaskCounts;
  answers: Answer[];
  executions: { server: string; records: ExecutionRecord[] }[];
  /** Engine server id → simulator name. */
  serverNames: Map<string, string>;
  locks: LockView[];
  crashes: CrashRecord[];
  outputsDir: string;
}

export interface Ledger {
  seed: number;
  submitted: number;
  succeeded: number;
  /** Failed and interrupted tasks. */
  failed: number;
  failedByReason: Record<string, number>;
  cancelled: number;
  nonterminal: number;
  lost: number;
  twice: number;
  stuckLocks: number;
  maxDetectMs: number;
  /** Tasks that ran (to success) under two attempts, warned "may run twice" (allowed, T9). */
  mayRunTwiceAllowed: number;
  /** Succeeded tasks whose prompt never ran to success on their own server (an invented success). */
  phantom: number;
  /** Executions of prompt_ids that are no attempt of any task. */
  strangers: number;
  detectMs: number[];
  /** One line per violation (the first ones), to find them in the engine log. */
  problems: string[];
}

const MAX_PROBLEMS = 40;

export function computeLedger(x: LedgerInput): Ledger {
  const problems: string[] = [];
  const problem = (line: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(line);
  };
  const byId = new Map(x.details.map((d) => [d.task.id, d]));

  // ── what the servers ran ─────────────────────────────────────────────────────────
  const runs = new Map<string, { server: string; outcome: ExecutionRecord['outcome'] }[]>();
  for (const { server, records } of x.executions) {
    for (const r of records) runs.set(r.promptId, [...(runs.get(r.promptId) ?? []), { server, outcome: r.outcome }]);
  }
  let twice = 0;
  for (const [promptId, list] of runs) {
    if (list.length < 2) continue;
    twice++;
    problem(`twice: prompt ${promptId} executed ${list.length} times: ${list.map((r) => `${r.server}:${r.outcome}`).join(', ')}`);
  }
  const attemptPrompts = new Set(x.details.flatMap((d) => d.attempts.map((a) => a.promptId)));
  let strangers = 0;
  for (const promptId of runs.keys()) {
    if (attemptPrompts.has(promptId)) continue;
    strangers++;
    problem(`stranger: prompt ${promptId} ran but is no attempt of any task`);
  }

  // ── each task ────────────────────────────────────────────────────────────────────
  let succeeded = 0;
  let failed = 0;
  let cancelled = 0;
  let lost = 0;
  let phantom = 0;
  let mayRunTwiceAllowed = 0;
  const failedByReason: Record<string, number> = {};
  for (const d of x.details) {
    const t = d.task;
    if (t.status === 'succeeded') succeeded++;
    else if (t.status === 'cancelled') cancelled++;
    else if (t.status === 'failed' || t.status === 'interrupted') {
      failed++;
      const reason = t.status === 'interrupted' ? 'interrupted' : (t.error?.code ?? 'unknown');
      failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
    }
    const warned = d.events.some((e) => e.kind === 'message' && e.level === 'warning' && e.text.includes('may run twice'));
    const ranToSuccess = d.attempts.filter((a) => runs.get(a.promptId)?.some((r) => r.outcome === 'success'));
    if (ranToSuccess.length > 1) {
      if (warned) mayRunTwiceAllowed++;
      else {
        twice++;
        problem(`twice: task ${t.id} (${t.key}) ran to success under ${ranToSuccess.length} attempts without a may-run-twice warning: ${timeline(d)}`);
      }
    }
    if (t.status !== 'succeeded') continue;
    // Outputs: present, stored, and pictures.
    const bad = t.outputs.length === 0 ? ['no outputs'] : t.outputs.flatMap((o, i) => outputProblem(o, i, x.outputsDir));
    if (bad.length) {
      lost++;
      problem(`lost: task ${t.id} (${t.key}) succeeded on ${x.serverNames.get(t.serverId ?? '') ?? t.serverId} but its outputs are missing: ${bad.join('; ')}`);
    }
    // The success was real: its prompt ran to success on its own server.
    const own = x.serverNames.get(t.serverId ?? '');
    const ranHere = (runs.get(t.promptId ?? '') ?? []).filter((r) => r.server === own && r.outcome === 'success');
    if (ranHere.length === 0) {
      phantom++;
      problem(`phantom: task ${t.id} (${t.key}) succeeded, but prompt ${t.promptId} never ran to success on ${own ?? t.serverId}: ${timeline(d)}`);
    }
  }

  // ── what the order service was told ─────────────────────────────────────────────
  for (const a of x.answers) {
    if (byId.has(a.taskId)) continue;
    lost++;
    problem(`lost: ${a.key} was answered ${a.outcome} with task ${a.taskId}, which is not in the ledger`);
  }
  // T2: one key, one task at a time; a `once` key that succeeded is never run again.
  const byKey = new Map<string, TaskDetail[]>();
  for (const d of x.details) if (d.task.key) byKey.set(d.task.key, [...(byKey.get(d.task.key) ?? []), d]);
  for (const [key, list] of byKey) {
    if (list.length < 2) continue;
    const sorted = [...list].sort((a, b) => a.task.createdAt - b.task.createdAt);
    for (let i = 1; i < sorted.length; i++) {
      const prev = (sorted[i - 1] as TaskDetail).task;
      const next = (sorted[i] as TaskDetail).task;
      const overlapping = prev.endedAt === null || next.createdAt < prev.endedAt;
      const afterSuccess = prev.mode === 'once' && prev.status === 'succeeded';
      if (overlapping || afterSuccess) {
        twice++;
        problem(`twice: key ${key} made task ${next.id} while task ${prev.id} was ${overlapping ? 'still active' : 'already succeeded (once)'}`);
      }
    }
  }

  // ── locks and detection ─────────────────────────────────────────────────────────
  for (const l of x.locks) problem(`stuck lock: session ${l.sessionId} on ${x.serverNames.get(l.serverId) ?? l.serverId} (${l.state}, ${l.unfinishedTasks} unfinished)`);
  const detectMs = x.crashes.flatMap((c) => (c.detectMs !== null ? [c.detectMs] : []));
  let maxDetectMs = detectMs.length ? Math.max(...detectMs) : 0;
  for (const c of x.crashes) {
    if (!c.undetected) continue;
    maxDetectMs = Math.max(maxDetectMs, c.durationMs);
    problem(`undetected: ${c.server} was down ${c.durationMs} ms and the engine never called it unhealthy`);
  }
  const nonterminal = x.counts.queued + x.counts.dispatched + x.counts.running;
  if (nonterminal > 0) {
    for (const d of x.details.filter((d) => d.task.status === 'queued' || d.task.status === 'dispatched' || d.task.status === 'running').slice(0, 10)) {
      problem(`nonterminal: task ${d.task.id} (${d.task.key}) is ${d.task.status}: ${timeline(d)}`);
    }
  }

  return {
    seed: x.seed,
    submitted: x.details.length,
    succeeded,
    failed,
    failedByReason,
    cancelled,
    nonterminal,
    lost,
    twice,
    stuckLocks: x.locks.length,
    maxDetectMs,
    mayRunTwiceAllowed,
    phantom,
    strangers,
    detectMs,
    problems,
  };
}

function outputProblem(o: TaskDetail['task']['outputs'][number], i: number, outputsDir: string): string[] {
  if (!o.file) return [`output ${i} not stored (${o.error ?? 'no reason given'})`];
  if (!existsSync(join(outputsDir, o.file))) return [`output ${i} (${o.file}) is not on disk`];
  if (o.contentType !== 'image/png') return [`output ${i} (${o.file}) is ${o.contentType ?? 'of unknown type'}, not the PNG the server wrote`];
  return [];
}

/** A task's events in one line, for a problem report. */
export function timeline(d: TaskDetail): string {
  return d.events
    .map((e) => {
      if (e.kind === 'transition') return e.to === 'dispatched' ? `dispatched(${e.promptId.slice(0, 8)}@${e.serverId})` : e.to;
      if (e.kind === 'message') return `${e.level}: ${e.text}`;
      return e.kind;
    })
    .join(' → ');
}

/** The machine-readable last line. */
export function ledgerLine(l: Ledger): string {
  return `ledger seed=${l.seed} submitted=${l.submitted} succeeded=${l.succeeded} failed=${l.failed} cancelled=${l.cancelled} nonterminal=${l.nonterminal} lost=${l.lost} twice=${l.twice} stuck_locks=${l.stuckLocks} max_detect_ms=${l.maxDetectMs}`;
}

/** The invariants that failed, in words; empty when the run passed. */
export function brokenInvariants(l: Ledger, detectBoundMs: number): string[] {
  const broken: string[] = [];
  if (l.nonterminal > 0) broken.push(`${l.nonterminal} task(s) still not terminal after the drain`);
  if (l.lost > 0) broken.push(`${l.lost} task(s) lost (answered but missing, or succeeded without their outputs)`);
  if (l.twice > 0) broken.push(`${l.twice} double execution(s) (a prompt run twice, an unwarned second run, or a key that made a second task)`);
  if (l.stuckLocks > 0) broken.push(`${l.stuckLocks} lock(s) left after the drain`);
  if (l.maxDetectMs > detectBoundMs) broken.push(`a dead server took ${l.maxDetectMs} ms to be detected (bound ${detectBoundMs} ms; F6/P7: 2000)`);
  if (l.phantom > 0) broken.push(`${l.phantom} success(es) with no matching execution on the task's server`);
  if (l.strangers > 0) broken.push(`${l.strangers} execution(s) of prompts that belong to no task`);
  return broken;
}
