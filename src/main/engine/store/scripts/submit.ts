import type { SubmitOutcome, TaskEvent, TaskPolicy, TaskRequirements } from '../../../../shared/tasks';
import { applyEvent } from '../../tasks/apply-event';
import { LedgerError, ledgerErrors } from '../../tasks/ledger-error';
import { checkRerun, holdsClaim, outcomeAgainst } from '../../tasks/task-policy';
import type { ValidWorkflow } from '../../tasks/workflow-validation';
import type { Script } from '../sql/script';
import { get, run } from '../sql/script';
import type { ScriptContext } from './context';
import { insertAudit } from './audit';
import { listPolicies, readPolicy } from './policies';
import { insertEvent } from './events';
import { readTask, readTaskWhere, TASK_COLUMNS } from './task-rows';

export interface NewTask {
  type: string;
  sessionId: string;
  key: string | null;
  pinServerId: string | null;
  requirements: TaskRequirements | null;
  parentId: string | null;
  workflow: ValidWorkflow;
  /** False for a forced re-run: it carries the key for search but never takes the claim. */
  claimKey: boolean;
}

/**
 * A claimant can release its key between our failed insert and our read of it (its task just
 * ended); then the insert is tried again. Each round needs a real concurrent end, so a few
 * rounds are plenty.
 */
const MAX_CLAIM_ROUNDS = 8;

export function* policyOrThrow(type: string): Script<TaskPolicy> {
  const policy = yield* readPolicy(type);
  if (policy) return policy;
  throw ledgerErrors.unknownType(type, (yield* listPolicies()).map((p) => p.type));
}

/**
 * T2, decided by the database: insert with ON CONFLICT (type, key_claim) DO NOTHING; if the
 * key is claimed, read the claimant in the same transaction and answer with it. On
 * PostgreSQL the insert waits for a concurrent claimant's transaction to finish first, so the
 * read sees it; on SQLite BEGIN IMMEDIATE serialises writers outright.
 */
export function* insertTask(ctx: ScriptContext, req: NewTask): Script<SubmitOutcome> {
  const policy = yield* policyOrThrow(req.type);
  const at = ctx.now();
  yield* run('INSERT INTO sessions (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING', [req.sessionId, at]);
  const claim = req.claimKey ? req.key : null;
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const id = ctx.newId();
    const event: TaskEvent = {
      kind: 'created',
      type: req.type,
      sessionId: req.sessionId,
      key: req.key,
      mode: policy.mode,
      parentId: req.parentId,
      pinServerId: req.pinServerId,
      requirements: req.requirements,
      id: 0,
      taskId: id,
      at,
      version: 1,
    };
    const task = applyEvent(null, event);
    const inserted = yield* run(
      `INSERT INTO tasks (${TASK_COLUMNS}, key_claim) VALUES (${Array.from({ length: 23 }, () => '?').join(', ')}) ON CONFLICT (type, key_claim) DO NOTHING`,
      [
        task.id,
        task.type,
        task.sessionId,
        task.key,
        task.mode,
        task.status,
        task.serverId,
        task.promptId,
        task.attempt,
        task.requeues,
        task.parentId,
        task.pinServerId,
        task.requirements ? JSON.stringify(task.requirements) : null,
        null,
        JSON.stringify(task.outputs),
        null,
        task.createdAt,
        task.updatedAt,
        null,
        null,
        null,
        task.version,
        holdsClaim(task.mode, task.status) ? claim : null,
      ],
    );
    if (inserted === 1) {
      yield* run('INSERT INTO task_workflows (task_id, workflow) VALUES (?, ?)', [id, req.workflow.json]);
      yield* insertEvent(event);
      return { outcome: 'created', task };
    }
    const claimant = yield* readTaskWhere('type = ? AND key_claim = ?', [req.type, claim]);
    if (!claimant) continue;
    const outcome = outcomeAgainst(policy.mode, claimant);
    if (outcome !== 'stale_claim') return { outcome, task: claimant };
    yield* run('UPDATE tasks SET key_claim = NULL WHERE id = ? AND key_claim = ?', [claimant.id, claim]);
  }
  throw new LedgerError('store_busy', `submission of key "${req.key}" (type "${req.type}") kept meeting tasks that ended at that very moment; nothing was written. Submit it again`);
}

export interface RerunInput {
  parentId: string;
  workflow: ValidWorkflow | null;
  sessionId: string | null;
  actor: string;
  reason: string | null;
  force: boolean;
}

/**
 * T8. A re-run is an ordinary submission of the parent's type and key, linked to the parent,
 * so it meets the same claim rules: a `once` key that failed is free again; a `rerunnable`
 * key that is running answers `conflict`.
 *
 * A forced re-run of a `once` task that succeeded does NOT take the key: the success keeps
 * its claim, so later submissions of the key still return the original result and cannot
 * slip in behind the re-run. The re-run carries the key only for search, and the operator's
 * reason goes to the audit log in the same transaction.
 */
export function* rerunTask(ctx: ScriptContext, req: RerunInput): Script<SubmitOutcome> {
  const parent = yield* readTask(req.parentId);
  if (!parent) throw ledgerErrors.notFound('task', req.parentId);
  checkRerun(parent, req.force, req.reason);
  const forced = parent.mode === 'once' && parent.status === 'succeeded';
  let workflow = req.workflow;
  if (!workflow) {
    const row = yield* get('SELECT workflow FROM task_workflows WHERE task_id = ?', [parent.id]);
    if (!row) throw ledgerErrors.notFound('workflow of task', parent.id);
    const json = String(row.workflow);
    workflow = { json, workflow: JSON.parse(json) as ValidWorkflow['workflow'] };
  }
  const result = yield* insertTask(ctx, {
    type: parent.type,
    sessionId: req.sessionId ?? parent.sessionId,
    key: parent.key,
    pinServerId: parent.pinServerId,
    requirements: parent.requirements,
    parentId: parent.id,
    workflow,
    claimKey: !forced,
  });
  if (result.outcome === 'created') {
    yield* insertAudit({
      at: ctx.now(),
      actor: req.actor,
      action: 'task.rerun',
      target: parent.id,
      reason: req.reason,
      details: { taskId: result.task.id, forced, edited: req.workflow !== null },
    });
  }
  return result;
}
