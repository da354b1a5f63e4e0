import type { TaskView } from '../../src/shared/tasks';

/** A queued task as the ledger reports it, for tests of anything that shows or judges tasks. */
export function taskView(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: 'task-1',
    type: 'default',
    sessionId: 'api',
    key: null,
    mode: 'once',
    status: 'queued',
    serverId: null,
    promptId: null,
    attempt: 0,
    requeues: 0,
    parentId: null,
    pinServerId: null,
    requirements: null,
    progress: null,
    outputs: [],
    error: null,
    createdAt: 1,
    updatedAt: 1,
    dispatchedAt: null,
    startedAt: null,
    endedAt: null,
    version: 1,
    ...overrides,
  };
}
