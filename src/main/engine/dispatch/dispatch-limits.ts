import { z } from 'zod';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import type { DispatchLimitValues } from './dispatch-options';

const LIMITS_SETTING = 'dispatch.limits';
const dispatchLimitsSchema = z.object({ maxQueued: z.number().int().positive(), submitsPerSecond: z.number().positive(), submitBurst: z.number().int().positive() });

/**
 * B4 limits: the options' values until the ledger has saved ones (U6); a change is saved and
 * applies from the next submission on.
 */
export class DispatchLimits implements Disposable {
  private values: DispatchLimitValues;
  private readonly onChangeEmitter = new Emitter<DispatchLimitValues>();
  readonly onChange = this.onChangeEmitter.event;

  constructor(
    private readonly store: Pick<Store, 'getSetting' | 'setSetting'>,
    private readonly log: Logger,
    initial: DispatchLimitValues,
  ) {
    this.values = initial;
  }

  get current(): DispatchLimitValues {
    const { maxQueued, submitsPerSecond, submitBurst } = this.values;
    return { maxQueued, submitsPerSecond, submitBurst };
  }

  async load(): Promise<void> {
    const saved = dispatchLimitsSchema.safeParse(await this.store.getSetting(LIMITS_SETTING));
    if (saved.success) this.set(saved.data);
  }

  async apply(patch: Partial<DispatchLimitValues>): Promise<void> {
    const limits = { ...this.current, ...patch };
    await this.store.setSetting(LIMITS_SETTING, limits);
    this.set(limits);
    this.log.info(`dispatch limits: queue ${limits.maxQueued}, ${limits.submitsPerSecond} submissions/s (burst ${limits.submitBurst})`);
  }

  private set(limits: Partial<DispatchLimitValues>): void {
    this.values = { ...this.values, ...limits };
    this.onChangeEmitter.fire(this.current);
  }

  dispose(): void {
    this.onChangeEmitter.dispose();
  }
}
