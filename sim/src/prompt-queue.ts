import { heapify, heappop, heappush } from './heapq';
import { PyError, deepCopy, isDict, pyEquals, type Dict } from './py-json';

/**
 * `execution.PromptQueue`: a heap of 5-tuples, the running set, history and worker flags.
 * Every change the real server announces (put, pop, task_done, wipe, delete) calls
 * `onChange`, which broadcasts a `status` frame.
 */

/** `(number, prompt_id, prompt, extra_data, outputs_to_execute)` exactly as `/queue` shows it. */
export type QueueItem = [number: number, promptId: string, prompt: Dict, extraData: Dict, outputs: string[]];

export interface HistoryStatus {
  status_str: 'success' | 'error';
  completed: boolean;
  messages: [string, Dict][];
}

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Dict;
  status: HistoryStatus;
  meta: Dict;
}

/** Kept at most this many entries, oldest dropped first (doc §0). */
export const MAXIMUM_HISTORY_SIZE = 10000;

/**
 * Python tuple `<`: compares number, then prompt_id; equal ids fall through to comparing
 * the graphs, and `dict < dict` raises TypeError, which a real server turns into a 500.
 */
export function queueItemLt(a: QueueItem, b: QueueItem): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  for (const k of [2, 3] as const) {
    if (!pyEquals(a[k], b[k])) throw new PyError('TypeError', "'<' not supported between instances of 'dict' and 'dict'");
  }
  const [x, y] = [a[4], b[4]];
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    if (x[k] !== y[k]) return (x[k] as string) < (y[k] as string);
  }
  return x.length < y.length;
}

export class PromptQueue {
  private heap: QueueItem[] = [];
  private readonly running = new Map<number, QueueItem>();
  private readonly history = new Map<string, HistoryEntry>();
  private taskCounter = 0;
  private flags: Dict = {};

  constructor(
    private readonly onChange: () => void,
    private readonly onWork: () => void,
  ) {}

  put(item: QueueItem): void {
    heappush(this.heap, item, queueItemLt);
    this.onChange();
    this.onWork();
  }

  /** Pops the next job and marks it running; null when the heap is empty. */
  get(): { item: QueueItem; id: number } | null {
    if (this.heap.length === 0) return null;
    const item = heappop(this.heap, queueItemLt);
    const id = this.taskCounter++;
    this.running.set(id, deepCopy(item));
    this.onChange();
    return { item, id };
  }

  taskDone(id: number, result: { outputs: Dict; meta: Dict }, status: HistoryStatus): void {
    const prompt = this.running.get(id);
    this.running.delete(id);
    if (!prompt) return;
    if (this.history.size >= MAXIMUM_HISTORY_SIZE) {
      const oldest = this.history.keys().next();
      if (!oldest.done) this.history.delete(oldest.value);
    }
    this.history.set(prompt[1], { prompt, outputs: result.outputs, status, meta: result.meta });
    this.onChange();
  }

  runningItems(): QueueItem[] {
    return [...this.running.values()];
  }

  /** The raw heap list, not sorted (doc §1 GET /queue). */
  pendingItems(): QueueItem[] {
    return [...this.heap];
  }

  runningPromptIds(): string[] {
    return [...this.running.values()].map((item) => item[1]);
  }

  tasksRemaining(): number {
    return this.heap.length + this.running.size;
  }

  pendingCount(): number {
    return this.heap.length;
  }

  wipeQueue(): void {
    this.heap = [];
    this.onChange();
  }

  /** Removes the first pending item matching; deleting the last one announces twice, as upstream does. */
  deleteQueueItem(matches: (item: QueueItem) => boolean): boolean {
    for (let x = 0; x < this.heap.length; x++) {
      if (matches(this.heap[x] as QueueItem)) {
        if (this.heap.length === 1) this.wipeQueue();
        else {
          this.heap.splice(x, 1);
          heapify(this.heap, queueItemLt);
        }
        this.onChange();
        return true;
      }
    }
    return false;
  }

  /** `get_history`: insertion order; `offset < 0` with `maxItems` means "the newest maxItems". */
  getHistory(maxItems: number | null, offset: number): Map<string, HistoryEntry> {
    const out = new Map<string, HistoryEntry>();
    if (offset < 0 && maxItems !== null) offset = this.history.size - maxItems;
    let i = 0;
    for (const [k, v] of this.history) {
      if (i >= offset) {
        out.set(k, v);
        if (maxItems !== null && out.size >= maxItems) break;
      }
      i++;
    }
    return out;
  }

  historyItem(promptId: string): HistoryEntry | undefined {
    return this.history.get(promptId);
  }

  wipeHistory(): void {
    this.history.clear();
  }

  deleteHistoryItem(promptId: string): void {
    this.history.delete(promptId);
  }

  setFlag(name: string, data: unknown): void {
    this.flags[name] = data;
    this.onWork();
  }

  takeFlags(): Dict {
    const flags = this.flags;
    this.flags = {};
    return flags;
  }

  hasFlags(): boolean {
    return isDict(this.flags) && Object.keys(this.flags).length > 0;
  }
}
