import type { CommandArgs, ConsoleSettings, SettingsPatch } from '../../../../shared/api';
import type { ServerView } from '../../../../shared/fleet';
import type { FailoverMode, TaskMode, TaskPolicy } from '../../../../shared/tasks';

/**
 * Form text → command arguments. Only the shape is checked here (a number where a number goes);
 * ranges are the engine's to enforce; its refusal is shown in words that name the field
 * (ui/readable-error).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

type NumberKind = 'integer' | 'decimal';

function parseNumber(text: string, kind: NumberKind): number | null {
  const t = text.trim();
  const re = kind === 'integer' ? /^\d+$/ : /^\d+(\.\d+)?$/;
  return re.test(t) ? Number(t) : null;
}

export interface DispatchFormValues {
  maxQueued: string;
  submitsPerSecond: string;
  submitBurst: string;
  /** Empty: keep finished tasks forever. */
  retentionDays: string;
}

export function dispatchFormValues(s: ConsoleSettings): DispatchFormValues {
  return {
    maxQueued: String(s.dispatch.maxQueued),
    submitsPerSecond: String(s.dispatch.submitsPerSecond),
    submitBurst: String(s.dispatch.submitBurst),
    retentionDays: s.retentionDays === null ? '' : String(s.retentionDays),
  };
}

export function parseDispatchForm(v: DispatchFormValues): Parsed<SettingsPatch> {
  const errors: Record<string, string> = {};
  const maxQueued = parseNumber(v.maxQueued, 'integer');
  const submitsPerSecond = parseNumber(v.submitsPerSecond, 'decimal');
  const submitBurst = parseNumber(v.submitBurst, 'integer');
  if (maxQueued === null) errors.maxQueued = 'a whole number of tasks';
  if (submitsPerSecond === null) errors.submitsPerSecond = 'submissions per second, e.g. 5 or 0.5';
  if (submitBurst === null) errors.submitBurst = 'a whole number of submissions';
  let retentionDays: number | null = null;
  if (v.retentionDays.trim() !== '') {
    retentionDays = parseNumber(v.retentionDays, 'integer');
    if (retentionDays === null) errors.retentionDays = 'whole days, or empty to keep everything';
  }
  if (Object.keys(errors).length > 0 || maxQueued === null || submitsPerSecond === null || submitBurst === null) return { ok: false, errors };
  return { ok: true, value: { dispatch: { maxQueued, submitsPerSecond, submitBurst }, retentionDays } };
}

export interface ServerFormValues {
  name: string;
  url: string;
  maxInFlight: string;
  /** Comma-separated. */
  tags: string;
}

export function serverFormValues(s: Pick<ServerView, 'name' | 'url' | 'maxInFlight' | 'tags'>): ServerFormValues {
  return { name: s.name, url: s.url, maxInFlight: String(s.maxInFlight), tags: s.tags.join(', ') };
}

export const parseTags = (text: string): string[] => [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];

/** Only the fields that changed go to `servers.update` (F1), so an edit never undoes another. */
export function parseServerForm(server: Pick<ServerView, 'id' | 'name' | 'url' | 'maxInFlight' | 'tags'>, v: ServerFormValues): Parsed<CommandArgs<'servers.update'>> {
  const errors: Record<string, string> = {};
  const maxInFlight = parseNumber(v.maxInFlight, 'integer');
  if (maxInFlight === null) errors.maxInFlight = 'a whole number of tasks, at least 1';
  if (v.name.trim() === '') errors.name = 'a name is required';
  if (v.url.trim() === '') errors.url = 'a URL is required';
  if (Object.keys(errors).length > 0 || maxInFlight === null) return { ok: false, errors };
  const args: CommandArgs<'servers.update'> = { id: server.id };
  if (v.name.trim() !== server.name) args.name = v.name.trim();
  if (v.url.trim() !== server.url) args.url = v.url.trim();
  if (maxInFlight !== server.maxInFlight) args.maxInFlight = maxInFlight;
  const tags = parseTags(v.tags);
  if (tags.join('\u0000') !== server.tags.join('\u0000')) args.tags = tags;
  return { ok: true, value: args };
}

export interface PolicyFormValues {
  type: string;
  mode: TaskMode;
  retryLimit: string;
  failover: FailoverMode;
}

export const policyFormValues = (p: TaskPolicy): PolicyFormValues => ({ type: p.type, mode: p.mode, retryLimit: String(p.retryLimit), failover: p.failover });

export function parsePolicyForm(v: PolicyFormValues): Parsed<TaskPolicy> {
  const errors: Record<string, string> = {};
  const retryLimit = parseNumber(v.retryLimit, 'integer');
  if (retryLimit === null) errors.retryLimit = 'a whole number of requeues (0: fail when the server is lost)';
  if (v.type.trim() === '') errors.type = 'name the task type, e.g. product-photo';
  if (Object.keys(errors).length > 0 || retryLimit === null) return { ok: false, errors };
  return { ok: true, value: { type: v.type.trim(), mode: v.mode, retryLimit, failover: v.failover } };
}
