import type { Disposable } from '../core/disposable';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { SessionLocks } from '../locks/session-locks';
import { isTerminal } from '../tasks/task-states';
import type { ServerBook } from './server-book';
import type { TaskQueue } from './task-queue';
import type { TaskTable } from './task-table';

export interface ReleaseOnExitDeps {
  table: Pick<TaskTable, 'onMoved'>;
  book: Pick<ServerBook, 'release'>;
  queue: Pick<TaskQueue, 'remove'>;
  locks: Pick<SessionLocks, 'taskEnded'>;
  log: Logger;
}

/**
 * The one place a task lets go, whoever moved it: leaving its server (requeued or ended) frees
 * the slot; ending takes it out of the queue and lets its session's lock go if it was the last
 * unfinished task of the session (L2).
 */
export function releaseOnExit(deps: ReleaseOnExitDeps): Disposable {
  return deps.table.onMoved(({ before, after }) => {
    if (before.serverId && (after.status === 'queued' || isTerminal(after.status))) deps.book.release(before.serverId, after.id);
    if (isTerminal(after.status)) {
      deps.queue.remove(after.id);
      deps.locks.taskEnded(after.sessionId).catch((err: unknown) => deps.log.info(`session ${after.sessionId}: releasing its lock failed: ${messageOf(err)}`));
    }
  });
}
