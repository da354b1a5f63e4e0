import { describe, expect, it } from 'vitest';
import type { ComfyWorkflow } from '../../../shared/tasks';
import { serverView } from '../../../../test/support/server-view';
import { taskView } from '../../../../test/support/task-view';
import type { HistoryEntry, QueueSnapshot } from '../comfy/comfy-client';
import { ComfyHttpError } from '../comfy/errors';
import type { Clock } from '../core/clock';
import type { Store } from '../store/store';
import type { DeliveryClient } from './prompt-delivery';
import { PromptDelivery } from './prompt-delivery';
import { ServerBook } from './server-book';
import { TaskTable } from './task-table';

const graph: ComfyWorkflow = { '1': { class_type: 'EmptyLatentImage', inputs: { width: 8, height: 8, batch_size: 1 } } };
const server = serverView('a');
const emptyQueue: QueueSnapshot = { running: [], pending: [] };

/** Timers fire on the next turn: the settle wait is real but short. */
const soonClock: Clock = { now: () => 1_000, setTimeout: (fn) => setTimeout(fn, 0) as never, clearTimeout: () => undefined };

function setup(post: DeliveryClient['submitPrompt'], lookups: { history?: () => HistoryEntry | null; queue?: () => QueueSnapshot } = {}) {
  const reads: string[] = [];
  const notes: string[] = [];
  const posted: unknown[] = [];
  const calls = { history: 0, queue: 0 };
  const table = new TaskTable({} as Store, soonClock);
  table.note = async (_t, _level, text) => {
    notes.push(text);
  };
  const delivery = new PromptDelivery({
    table,
    workflows: {
      getWorkflow: async (id) => {
        reads.push(id);
        return graph;
      },
    },
    book: new ServerBook(),
    clock: soonClock,
    clientId: 'console',
    submitTimeoutMs: 1_000,
    settleMs: 5,
  });
  const client: DeliveryClient = {
    submitPrompt: async (args, opts) => {
      posted.push(args.prompt);
      return post(args, opts);
    },
    deleteQueued: async () => undefined,
    history: async () => {
      calls.history++;
      return lookups.history?.() ?? null;
    },
    queue: async () => {
      calls.queue++;
      return lookups.queue?.() ?? emptyQueue;
    },
  };
  const live = (workflow: ComfyWorkflow | null) => table.adopt(taskView({ id: 't1', status: 'dispatched', serverId: 'a', promptId: 'p1', attempt: 1 }), null, workflow);
  return { delivery, client, live, reads, notes, posted, calls };
}

describe('delivering a prompt (T4, T10)', () => {
  it('T4: the first POST sends the graph handed over at submission, without reading the ledger; a later one reads it', async () => {
    const { delivery, client, live, reads, posted, notes } = setup(async (args) => ({ promptId: args.promptId, number: 1, nodeErrors: [] }));
    const t = live(graph);
    expect(await delivery.deliver(t, server, client)).toEqual({ kind: 'accepted' });
    expect(reads).toEqual([]);
    expect(posted).toEqual([graph]);
    expect(t).toMatchObject({ confirmed: true, posts: 1, workflow: null });
    expect(notes).toEqual(['submitted to gpu-a as prompt p1 (attempt 1)']);

    expect(await delivery.deliver(live(null), server, client)).toEqual({ kind: 'accepted' });
    expect(reads).toEqual(['t1']);
  });

  it('T4: a POST that certainly did not arrive is undelivered; one whose fate is unclear is settled by asking, twice when absent', async () => {
    const refused = setup(async () => {
      throw new ComfyHttpError('unreachable', 'gpu-a', 'POST /prompt', 'cannot connect');
    });
    expect(await refused.delivery.deliver(refused.live(graph), server, refused.client)).toEqual({ kind: 'undelivered', reason: 'not delivered to gpu-a: server "gpu-a" POST /prompt: cannot connect' });
    expect(refused.calls).toEqual({ history: 0, queue: 0 });

    const unclear = setup(async () => {
      throw new ComfyHttpError('timeout', 'gpu-a', 'POST /prompt', 'no answer in 1000 ms');
    });
    const t = unclear.live(graph);
    expect(await unclear.delivery.deliver(t, server, unclear.client)).toEqual({ kind: 'unclear', seen: { where: 'absent' } });
    // Absent needs history, queue, history again; and all of it twice, `settleMs` apart.
    expect(unclear.calls).toEqual({ history: 4, queue: 2 });
    expect(t.workflow).toBe(graph);
    expect(unclear.notes).toEqual(['submission to gpu-a unclear (server "gpu-a" POST /prompt: no answer in 1000 ms); asking the server before deciding']);
  });

  it('a server that queues the prompt under its own id is refused as unsupported, and its copy is deleted', async () => {
    const { delivery, client, live } = setup(async () => ({ promptId: 'their-id', number: 1, nodeErrors: [] }));
    const deleted: string[][] = [];
    client.deleteQueued = async (ids) => {
      deleted.push([...ids]);
    };
    const r = await delivery.deliver(live(graph), server, client);
    expect(r).toMatchObject({ kind: 'refused', error: { code: 'unsupported_server' } });
    expect(deleted).toEqual([['their-id']]);
  });
});
