import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import type { DispatchPump } from './dispatch-pump';
import type { ServerBook } from './server-book';
import type { TaskTable } from './task-table';
import type { TaskTracker } from './task-tracker';

export interface TakeBackDeps {
  store: Pick<Store, 'listUnfinished'>;
  table: Pick<TaskTable, 'adopt'>;
  pump: Pick<DispatchPump, 'enqueue'>;
  book: Pick<ServerBook, 'hold'>;
  tracker: Pick<TaskTracker, 'check'>;
  log: Logger;
}

/**
 * T4 reconciliation at start-up: every task the ledger holds unfinished is taken back, a page
 * at a time. Queued ones wait in our queue again; the others count against their server and
 * are looked up there before anything is decided about them.
 */
export async function takeBackUnfinished(deps: TakeBackDeps): Promise<void> {
  let cursor: string | null = null;
  let adopted = 0;
  do {
    const page = await deps.store.listUnfinished({ cursor, limit: 500 });
    for (const view of page.items) {
      adopted++;
      const t = deps.table.adopt(view, view.requirements ?? null);
      if (view.status === 'queued') deps.pump.enqueue(t, false);
      else if (view.serverId) {
        deps.book.hold(view.serverId, view.id);
        deps.tracker.check(view.id, 'start-up reconciliation');
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (adopted) deps.log.info(`took back ${adopted} unfinished task(s) from the ledger`);
}
