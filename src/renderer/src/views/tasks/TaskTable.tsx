import { memo, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { useNow } from '../../time/use-now';
import { TaskRowView } from './TaskRowView';
import type { TaskRow } from './task-rows';
import { computeWindow, nearEnd } from './virtual-window';

export const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 30;
/** Enough for the arrow keys to find a neighbour; at a fast scroll every extra row is created and dropped each frame. */
const OVERSCAN = 4;
/** Ask for the next page this many rows before the end, so scrolling rarely waits. */
const PREFETCH_ROWS = 60;

interface Props {
  rows: TaskRow[];
  /** Live rows put on top; when it grows while scrolled down, the view keeps its place. */
  added: number;
  /** Changes with the filters: the table goes back to the top. */
  resetKey: string;
  serverNames: Record<string, string>;
  isSelected(id: TaskId): boolean;
  selectionLocked: boolean;
  onToggle(id: TaskId): void;
  onCancel(row: TaskRow): void;
  onRerun(row: TaskRow): void;
  onNearEnd(): void;
}

const COLUMNS = ['', 'Status', 'ID', 'Type', 'Session', 'Key', 'Server', 'Progress / waiting', 'Att.', 'Created', 'Updated', 'Actions'];

/**
 * The first row under the top edge, as state that changes only when a row boundary is crossed
 * (a scroll within a row renders nothing). Set from a passive scroll listener: React renders it
 * in a task of its own rather than inside the browser's frame, which keeps both tasks shorter.
 */
function useFirstRow(scroller: RefObject<HTMLDivElement | null>): number {
  const [first, setFirst] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const next = Math.floor(el.scrollTop / ROW_HEIGHT);
      if (next === current.current) return;
      current.current = next;
      setFirst(next);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [scroller]);
  return first;
}

function useClientHeight(scroller: RefObject<HTMLDivElement | null>): number {
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [scroller]);
  return height;
}

/**
 * A virtualised table with a fixed row height: only the rows on screen (plus overscan) exist in
 * the DOM, in one block moved by a transform over a spacer as tall as all rows, so 10 000 rows
 * scroll like 40 and a row keeps its props (and skips re-rendering) while it stays on screen.
 */
export const TaskTable = memo(function TaskTable({ rows, added, resetKey, serverNames, isSelected, selectionLocked, onToggle, onCancel, onRerun, onNearEnd }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const first = useFirstRow(scroller);
  const height = useClientHeight(scroller);
  // One clock for every age in the table rather than a subscription per cell.
  const now = useNow();

  // New filters: back to the top.
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [resetKey]);

  // New live rows on top push the others down; an operator reading further down keeps their rows.
  const lastAdded = useRef(added);
  useLayoutEffect(() => {
    const el = scroller.current;
    const grew = added - lastAdded.current;
    lastAdded.current = added;
    if (el && grew > 0 && el.scrollTop > 0) el.scrollTop += grew * ROW_HEIGHT;
  }, [added]);

  const win = computeWindow(first * ROW_HEIGHT, height - HEADER_HEIGHT, ROW_HEIGHT, rows.length, OVERSCAN);
  const wantMore = nearEnd(win, rows.length, PREFETCH_ROWS);
  useEffect(() => {
    if (wantMore) onNearEnd();
  }, [wantMore, rows.length, onNearEnd]);

  return (
    <div className="task-table-scroll" ref={scroller} data-testid="task-table-scroll" role="table" aria-label="Tasks" aria-rowcount={rows.length}>
      <div className="task-row task-head" role="row">
        {COLUMNS.map((c, i) => (
          <span key={i} role="columnheader">
            {c}
          </span>
        ))}
      </div>
      <div className="task-spacer" style={{ height: win.totalHeight }}>
        <div className="task-block" style={{ transform: `translateY(${win.offsetTop}px)` }}>
          {rows.slice(win.start, win.end).map((row) => (
            <TaskRowView
              key={row.id}
              row={row}
              now={now}
              serverName={row.serverId ? (serverNames[row.serverId] ?? null) : null}
              selected={isSelected(row.id)}
              selectionLocked={selectionLocked}
              onToggle={onToggle}
              onCancel={onCancel}
              onRerun={onRerun}
            />
          ))}
        </div>
      </div>
    </div>
  );
});
