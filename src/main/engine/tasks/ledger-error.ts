import type { ApiErrorCode } from '../../../shared/api';
import type { TaskStatus, WorkflowIssue } from '../../../shared/tasks';
import { EngineError } from '../core/engine-error';

/** The codes the task ledger fails with; the same on SQLite and PostgreSQL. */
export type LedgerErrorCode = Extract<
  ApiErrorCode,
  | 'version_conflict'
  | 'terminal'
  | 'illegal_transition'
  | 'not_found'
  | 'unknown_type'
  | 'invalid_workflow'
  | 'too_large'
  | 'rerun_refused'
  | 'bad_request'
  | 'conflict'
  | 'corrupt_database'
  | 'incompatible_database'
  | 'store_busy'
  | 'store_unavailable'
  | 'internal'
>;

/**
 * An expected failure of the task ledger. Callers decide by `code`, never by message text;
 * `details` carries what a program needs (current version and status, the workflow issues…).
 */
export class LedgerError extends EngineError {
  declare readonly code: LedgerErrorCode;

  constructor(code: LedgerErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(code, message, details);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export function isLedgerError(err: unknown, code?: LedgerErrorCode): err is LedgerError {
  return err instanceof LedgerError && (code === undefined || err.code === code);
}

/*
 * Every message of the ledger is built here (BullMQ's finishedErrors idea), so a failure reads
 * the same whichever database produced it: what happened, to what, and what to do.
 */
export const ledgerErrors = {
  notFound: (what: string, id: string) => new LedgerError('not_found', `${what} "${id}" does not exist (it may have been purged by retention); refresh the list`, { id }),
  noLock: (sessionId: string) => new LedgerError('not_found', `session "${sessionId}" holds no lock (it was released when its last task ended, or another operator unlocked it); refresh the list`, { id: sessionId }),

  versionConflict: (taskId: string, expected: number, current: number, status: TaskStatus) =>
    new LedgerError(
      'version_conflict',
      `task ${taskId} changed since version ${expected} (it is now version ${current}, ${status}); read it again and retry if the change still applies`,
      { taskId, expectedVersion: expected, currentVersion: current, status },
    ),

  terminal: (taskId: string, status: TaskStatus, attempted: string) =>
    new LedgerError('terminal', `task ${taskId} is already ${status}, a final state; it cannot be ${attempted}. Re-run it to run it again`, { taskId, status }),

  illegalTransition: (taskId: string, from: TaskStatus, to: TaskStatus) =>
    new LedgerError('illegal_transition', `task ${taskId} cannot go from ${from} to ${to}; this is a bug in the caller, the task is unchanged`, { taskId, from, to }),

  unknownType: (type: string, known: readonly string[]) =>
    new LedgerError('unknown_type', `unknown task type "${type}"; known types: ${known.map((k) => `"${k}"`).join(', ')}. Register the type in Settings → Policies first`, { type, known }),

  invalidWorkflow: (issues: WorkflowIssue[], more: number) =>
    new LedgerError(
      'invalid_workflow',
      `workflow rejected (${issues.length + more} problem${issues.length + more === 1 ? '' : 's'}): ${issues.map((i) => i.message).join('; ')}${more > 0 ? `; …and ${more} more` : ''}. Export it from ComfyUI with "Save (API Format)" and fix the nodes named`,
      { issues, more },
    ),

  tooLarge: (what: string, bytes: number, limit: number) =>
    new LedgerError('too_large', `${what} is ${bytes} bytes, over the limit of ${limit} bytes; shrink it (embedded images?) or raise the limit in Settings`, { bytes, limit }),

  rerunRefused: (taskId: string, type: string) =>
    new LedgerError(
      'rerun_refused',
      `task ${taskId} (type "${type}", policy once) already succeeded; re-running it would do the work twice. Force the re-run with a reason if that is intended`,
      { taskId, type },
    ),

  badRequest: (message: string, details?: unknown) => new LedgerError('bad_request', message, details),
} as const;
