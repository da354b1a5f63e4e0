import type { TimerHandle } from '../../../shared/clock';
import type { CommandArgs, CommandName, CommandResult, FleetApi, Result } from '../../../shared/api';
import type { PreloadBridge } from '../../../shared/transport';
import { backoffDelay } from './backoff';
import { createPrimedListener } from './primed-listener';
import { failure } from './results';
import { realScheduler, type Scheduler } from './scheduler';

export interface ElectronApiOptions {
  scheduler?: Scheduler;
  random?: () => number;
}

/**
 * FleetApi over the preload bridge. Main broadcasts deltas to every window but sends no snapshot
 * on its own, so each subscriber listens first and then asks for one: nothing between the two
 * can be lost.
 */
export function createElectronApi(bridge: PreloadBridge, options: ElectronApiOptions = {}): FleetApi {
  const scheduler = options.scheduler ?? realScheduler;
  const random = options.random ?? Math.random;

  const call = async <K extends CommandName>(name: K, args: CommandArgs<K>): Promise<Result<CommandResult<K>>> => {
    try {
      // Main validates args and shapes results per command; the preload types them as unknown.
      return (await bridge.call(name, args)) as Result<CommandResult<K>>;
    } catch (error) {
      // ipcRenderer.invoke rejects only if main's handler threw, which it should never do.
      return failure('internal', `${name} failed inside the engine: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const subscribe: FleetApi['subscribe'] = (listener) => {
    const primed = createPrimedListener(listener);
    let stopped = false;
    let retry: TimerHandle | undefined;
    const stopListening = bridge.onEvent((event) => {
      if (!stopped) primed.push(event);
    });

    const fetchSnapshot = async (attempt: number): Promise<void> => {
      const result = await call('fleet.snapshot', {});
      if (stopped || primed.primed) return;
      if (result.ok) {
        primed.prime(result.value);
        return;
      }
      console.warn(`fleet.snapshot failed (${result.error.code}): ${result.error.message}`);
      retry = scheduler.setTimeout(() => void fetchSnapshot(attempt + 1), backoffDelay(attempt, random));
    };
    void fetchSnapshot(0);

    return () => {
      stopped = true;
      scheduler.clearTimeout(retry);
      stopListening();
    };
  };

  return { call, subscribe };
}
