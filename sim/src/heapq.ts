/**
 * CPython's `heapq`, line for line (`_siftdown` / `_siftup`), so that the raw heap list that
 * `GET /queue` exposes as `queue_pending` has exactly the order a real server shows.
 */

export type LessThan<T> = (a: T, b: T) => boolean;

function siftdown<T>(heap: T[], startpos: number, pos: number, lt: LessThan<T>): void {
  const newitem = heap[pos] as T;
  while (pos > startpos) {
    const parentpos = (pos - 1) >> 1;
    const parent = heap[parentpos] as T;
    if (lt(newitem, parent)) {
      heap[pos] = parent;
      pos = parentpos;
      continue;
    }
    break;
  }
  heap[pos] = newitem;
}

function siftup<T>(heap: T[], pos: number, lt: LessThan<T>): void {
  const endpos = heap.length;
  const startpos = pos;
  const newitem = heap[pos] as T;
  let childpos = 2 * pos + 1;
  while (childpos < endpos) {
    const rightpos = childpos + 1;
    if (rightpos < endpos && !lt(heap[childpos] as T, heap[rightpos] as T)) childpos = rightpos;
    heap[pos] = heap[childpos] as T;
    pos = childpos;
    childpos = 2 * pos + 1;
  }
  heap[pos] = newitem;
  siftdown(heap, startpos, pos, lt);
}

/** Appends first, then sifts: if the comparison throws, the item stays in the list (as in Python). */
export function heappush<T>(heap: T[], item: T, lt: LessThan<T>): void {
  heap.push(item);
  siftdown(heap, 0, heap.length - 1, lt);
}

export function heappop<T>(heap: T[], lt: LessThan<T>): T {
  if (heap.length === 0) throw new RangeError('index out of range');
  const lastelt = heap.pop() as T;
  if (heap.length > 0) {
    const returnitem = heap[0] as T;
    heap[0] = lastelt;
    siftup(heap, 0, lt);
    return returnitem;
  }
  return lastelt;
}

export function heapify<T>(heap: T[], lt: LessThan<T>): void {
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftup(heap, i, lt);
}
