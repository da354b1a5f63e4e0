import type { TaskPolicy } from '../../../shared/tasks';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { Store } from '../store/store';
import { DEFAULT_TASK_TYPE } from '../tasks/task-policy';

/**
 * The task types' policies (T2, T9, L6), kept in memory: placement and outcomes read one per
 * decision and must not wait on the ledger for it.
 */
export class TaskPolicies implements Disposable {
  private readonly policies = new Map<string, TaskPolicy>();
  private readonly onChangeEmitter = new Emitter<TaskPolicy>();
  readonly onChange = this.onChangeEmitter.event;

  constructor(private readonly store: Pick<Store, 'listTaskTypes' | 'registerTaskType'>) {}

  async load(): Promise<void> {
    for (const p of await this.store.listTaskTypes()) this.policies.set(p.type, p);
  }

  /** An unknown type (registered by another console since) follows the default type. */
  policyOf(type: string): TaskPolicy {
    return this.policies.get(type) ?? this.policies.get(DEFAULT_TASK_TYPE) ?? { type, mode: 'rerunnable', retryLimit: 1, failover: 'wait' };
  }

  async set(policy: TaskPolicy): Promise<TaskPolicy> {
    const saved = await this.store.registerTaskType(policy);
    this.policies.set(saved.type, saved);
    this.onChangeEmitter.fire(saved);
    return saved;
  }

  dispose(): void {
    this.onChangeEmitter.dispose();
  }
}
