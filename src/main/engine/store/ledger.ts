import { randomUUID } from 'node:crypto';
import type { ServerConfig, ServerId } from '../../../shared/fleet';
import type { AttemptView, AuditEntry, AuditPage, ComfyWorkflow, LockView, SubmitOutcome, TaskCounts, TaskCountScope, TaskEvent, TaskPage, TaskPolicy, TaskProgress, TaskQuery, TaskView } from '../../../shared/tasks';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { ledgerErrors } from '../tasks/ledger-error';
import type { TaskChange } from '../tasks/move-to';
import { parsePolicy } from '../tasks/task-policy';
import { DEFAULT_MAX_WORKFLOW_BYTES, parseWorkflow } from '../tasks/workflow-validation';
import { activeStatusListSchema, auditInputSchema, check, rerunRequestSchema, retentionDaysSchema, settingKeySchema, statusListSchema, submitRequestSchema, taskChangeSchema, taskProgressSchema, versionGuardSchema } from './requests';
import type { ScriptContext } from './scripts/context';
import { insertAudit, listAuditPage } from './scripts/audit';
import * as locks from './scripts/locks';
import { decodeCursor, encodeCursor, pageSize } from './scripts/paging';
import { listPolicies, writePolicy } from './scripts/policies';
import { purgeBatch } from './scripts/retention';
import { deleteServerRow, listServerRows, upsertServer } from './scripts/servers';
import { deleteSetting, readSetting, writeSetting } from './scripts/settings';
import { insertTask, policyOrThrow, rerunTask } from './scripts/submit';
import { countTasks, listTaskAttempts, listTaskEvents, listTaskPage, listUnfinishedPage, readWorkflowJson, taskByPromptId } from './scripts/task-queries';
import { readTask } from './scripts/task-rows';
import { messageTask, progressTask, transitionTask } from './scripts/transition';
import { verifyPage } from './scripts/verify';
import type { ScriptRunner } from './sql/script';
import type { AuditInput, LedgerOptions, PurgeOptions, RerunRequest, Store, SubmitRequest, UnfinishedPage, UnfinishedQuery, VerifyPage, VersionGuard } from './store';

const RETENTION_KEY = 'tasks.retention_days';
/** Reads of more than one statement that must agree with each other. */
const SNAPSHOT = { snapshot: true } as const;
const MAX_SETTING_BYTES = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The Store, written once over a {@link ScriptRunner}: each method checks its input, then runs
 * one transaction script. `openSqliteStore` and `openPostgresStore` supply the runner.
 */
export class Ledger implements Store {
  readonly backend: 'sqlite' | 'postgres';
  readonly label: string;
  private readonly clock: Clock;
  private readonly ctx: ScriptContext;

  constructor(
    private readonly runner: ScriptRunner,
    options: LedgerOptions = {},
  ) {
    this.backend = runner.dialect;
    this.label = runner.label;
    this.clock = options.clock ?? systemClock;
    const clock = this.clock;
    this.ctx = { now: () => clock.now(), newId: options.newId ?? randomUUID, maxWorkflowBytes: options.maxWorkflowBytes ?? DEFAULT_MAX_WORKFLOW_BYTES };
  }

  // ── servers (the fleet's ServerRegistry port) ──
  listServers(): Promise<ServerConfig[]> {
    return this.runner.read(() => listServerRows());
  }
  saveServer(server: ServerConfig): Promise<void> {
    return this.runner.write(() => upsertServer(server));
  }
  deleteServer(id: ServerId): Promise<void> {
    return this.runner.write(() => deleteServerRow(id));
  }

  // ── task types ──
  async registerTaskType(policy: TaskPolicy): Promise<TaskPolicy> {
    const p = parsePolicy(policy);
    return this.runner.write(() => writePolicy(p, this.ctx.now()));
  }
  listTaskTypes(): Promise<TaskPolicy[]> {
    return this.runner.read(() => listPolicies());
  }
  getTaskPolicy(type: string): Promise<TaskPolicy> {
    return this.runner.read(() => policyOrThrow(type));
  }

  // ── tasks ──
  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const req = check(submitRequestSchema, request, 'submission');
    // Validation and its JSON text happen before the transaction: it holds no lock while parsing megabytes.
    const workflow = parseWorkflow(req.workflow, this.ctx.maxWorkflowBytes);
    return this.runner.write(() => insertTask(this.ctx, { type: req.type, sessionId: req.sessionId, key: req.key, pinServerId: req.pinServerId, requirements: req.requirements, parentId: null, workflow, claimKey: true }));
  }

  async rerun(request: RerunRequest): Promise<SubmitOutcome> {
    const req = check(rerunRequestSchema, request, 're-run');
    const workflow = req.workflow === undefined ? null : parseWorkflow(req.workflow, this.ctx.maxWorkflowBytes);
    return this.runner.write(() => rerunTask(this.ctx, { parentId: req.parentId, workflow, sessionId: req.sessionId ?? null, actor: req.actor, reason: req.reason, force: req.force }));
  }

  async transition(taskId: string, change: TaskChange, guard: VersionGuard): Promise<TaskView> {
    const c = check(taskChangeSchema, change, `change of task ${taskId}`) as TaskChange;
    const { expectedVersion } = check(versionGuardSchema, guard, `change of task ${taskId}`);
    return this.runner.write(() => transitionTask(this.ctx, taskId, c, expectedVersion));
  }

  async reportProgress(taskId: string, progress: TaskProgress, guard: VersionGuard): Promise<TaskView> {
    const p = check(taskProgressSchema, progress, `progress of task ${taskId}`);
    const { expectedVersion } = check(versionGuardSchema, guard, `progress of task ${taskId}`);
    return this.runner.write(() => progressTask(this.ctx, taskId, p, expectedVersion));
  }

  async appendMessage(taskId: string, level: 'info' | 'warning' | 'error', text: string): Promise<TaskEvent> {
    if (!['info', 'warning', 'error'].includes(level)) throw ledgerErrors.badRequest(`message level must be info, warning or error, got ${String(level)}`);
    return this.runner.write(() => messageTask(this.ctx, taskId, level, String(text).slice(0, 10_000)));
  }

  getTask(taskId: string): Promise<TaskView | null> {
    return this.runner.read(() => readTask(taskId));
  }

  async getWorkflow(taskId: string): Promise<ComfyWorkflow | null> {
    const json = await this.runner.read(() => readWorkflowJson(taskId));
    return json === null ? null : parseWorkflow(json, Number.MAX_SAFE_INTEGER).workflow;
  }

  findByPromptId(promptId: string): Promise<{ task: TaskView; attempt: AttemptView } | null> {
    return this.runner.read(() => taskByPromptId(promptId), SNAPSHOT);
  }

  async listTasks(query: TaskQuery = {}): Promise<TaskPage> {
    const q = { ...query, ...(query.status ? { status: check(statusListSchema, query.status, 'status filter') } : {}) };
    const limit = pageSize(q.limit);
    return this.runner.read(() => listTaskPage(q, limit), SNAPSHOT);
  }

  async listUnfinished(query: UnfinishedQuery = {}): Promise<UnfinishedPage> {
    const limit = pageSize(query.limit);
    const q = { ...query, ...(query.status ? { status: check(activeStatusListSchema, query.status, 'status filter of unfinished tasks') } : {}) };
    return this.runner.read(() => listUnfinishedPage(q, limit));
  }

  countByStatus(filter: TaskCountScope = {}): Promise<TaskCounts> {
    return this.runner.read(() => countTasks(filter));
  }

  async listEvents(taskId: string, options: { afterId?: number; limit?: number } = {}): Promise<TaskEvent[]> {
    const limit = pageSize(options.limit, 10_000, 1000);
    return this.runner.read(() => listTaskEvents(taskId, options.afterId ?? 0, limit));
  }

  listAttempts(taskId: string): Promise<AttemptView[]> {
    return this.runner.read(() => listTaskAttempts(taskId));
  }

  async verifyTasks(options: { cursor?: string | null; limit?: number } = {}): Promise<VerifyPage> {
    const limit = pageSize(options.limit, 5000, 500);
    const after = options.cursor ? decodeCursor(options.cursor)[1] : null;
    const r = await this.runner.read(() => verifyPage(after, limit), SNAPSHOT);
    return { checked: r.checked, mismatched: r.mismatched, nextCursor: r.checked === limit && r.lastId !== null ? encodeCursor(0, r.lastId) : null };
  }

  // ── retention ──
  async getRetentionDays(): Promise<number | null> {
    const json = await this.runner.read(() => readSetting(RETENTION_KEY));
    return json === undefined ? null : check(retentionDaysSchema, JSON.parse(json), `setting ${RETENTION_KEY}`);
  }

  async setRetentionDays(days: number | null): Promise<void> {
    const d = check(retentionDaysSchema, days, 'retention (days)');
    await this.runner.write(() => (d === null ? deleteSetting(RETENTION_KEY) : writeSetting(RETENTION_KEY, JSON.stringify(d), this.ctx.now())));
  }

  async purgeTerminalTasks(options: PurgeOptions = {}): Promise<number> {
    const days = options.olderThanDays !== undefined ? check(retentionDaysSchema.unwrap(), options.olderThanDays, 'retention (days)') : await this.getRetentionDays();
    if (days === null) return 0;
    const cutoff = this.ctx.now() - days * DAY_MS;
    let total = 0;
    for (;;) {
      const ids = await this.runner.write(() => purgeBatch(cutoff));
      if (ids.length === 0) return total;
      total += ids.length;
      await options.onPurged?.(ids);
    }
  }

  // ── locks ──
  acquireLock(sessionId: string, serverId: string): Promise<{ lock: LockView; acquired: boolean }> {
    return this.runner.write(() => locks.acquire(sessionId, serverId, this.ctx.now()));
  }
  renewLock(sessionId: string, serverId: string): Promise<LockView | null> {
    return this.runner.write(() => locks.renew(sessionId, serverId, this.ctx.now()));
  }
  releaseLockIfIdle(sessionId: string): Promise<boolean> {
    return this.runner.write(() => locks.releaseIfIdle(sessionId));
  }
  releaseIdleLocks(): Promise<string[]> {
    return this.runner.write(() => locks.releaseAllIdle());
  }
  markLockStuck(sessionId: string, reason: string): Promise<LockView | null> {
    return this.runner.write(() => locks.markStuck(sessionId, reason, this.ctx.now()));
  }
  markLockHeld(sessionId: string): Promise<LockView | null> {
    return this.runner.write(() => locks.markHeld(sessionId));
  }

  async forceReleaseLock(sessionId: string, audit: { actor: string; reason: string; details?: unknown }): Promise<LockView> {
    const a = check(auditInputSchema, { ...audit, action: 'lock.force_release', target: sessionId }, `force-unlock of session ${sessionId}`);
    if (!a.reason) throw ledgerErrors.badRequest(`force-unlock of session ${sessionId} needs a reason for the audit log`);
    const ctx = this.ctx;
    return this.runner.write(function* () {
      const lock = yield* locks.deleteLock(sessionId);
      if (!lock) throw ledgerErrors.noLock(sessionId);
      yield* insertAudit({ at: ctx.now(), actor: a.actor, action: a.action, target: a.target, reason: a.reason, details: { serverId: lock.serverId, unfinishedTasks: lock.unfinishedTasks, state: lock.state, ...(isRecord(a.details) ? a.details : {}) } });
      return lock;
    });
  }

  getLock(sessionId: string): Promise<LockView | null> {
    return this.runner.read(() => locks.readLock(sessionId));
  }
  listLocks(): Promise<LockView[]> {
    return this.runner.read(() => locks.listAllLocks());
  }

  // ── audit and settings ──
  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    const a = check(auditInputSchema, entry, 'audit entry');
    return this.runner.write(() => insertAudit({ at: this.ctx.now(), actor: a.actor, action: a.action, target: a.target, reason: a.reason, details: a.details ?? null }));
  }

  async listAudit(options: { limit?: number; cursor?: string | null; target?: string } = {}): Promise<AuditPage> {
    const limit = pageSize(options.limit);
    return this.runner.read(() => listAuditPage(limit, options.cursor ?? null, options.target ?? null), SNAPSHOT);
  }

  async getSetting(key: string): Promise<unknown> {
    const k = check(settingKeySchema, key, 'setting key');
    const json = await this.runner.read(() => readSetting(k));
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    const k = check(settingKeySchema, key, 'setting key');
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      throw ledgerErrors.badRequest(`setting "${k}" cannot be stored as JSON (${(err as Error).message})`);
    }
    if (json === undefined) throw ledgerErrors.badRequest(`setting "${k}" needs a JSON value (got ${typeof value})`);
    if (json.length > MAX_SETTING_BYTES) throw ledgerErrors.tooLarge(`setting "${k}"`, json.length, MAX_SETTING_BYTES);
    await this.runner.write(() => writeSetting(k, json, this.ctx.now()));
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
