import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TaskId } from '../../../../shared/tasks';
import { TaskRowView } from './TaskRowView';
import type { TaskRow } from './task-rows';
import { computeWindow, nearEnd } from './virtual-window';

export const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 30;
const OVERSCAN = 8;
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
 * A virtualised table with a fixed row height: only the rows on screen (plus overscan) exist in
 * the DOM, placed over a spacer as tall as all rows, so 10 000 rows scroll like 40.
 */
export function TaskTable({ rows, added, resetKey, serverNames, isSelected, selectionLocked, onToggle, onCancel, onRerun, onNearEnd }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const frame = useRef(0);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // One state update per frame however fast scroll events come.
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scroller.current) setScrollTop(scroller.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

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

  const win = computeWindow(scrollTop, height - HEADER_HEIGHT, ROW_HEIGHT, rows.length, OVERSCAN);
  const wantMore = nearEnd(win, rows.length, PREFETCH_ROWS);
  useEffect(() => {
    if (wantMore) onNearEnd();
  }, [wantMore, rows.length, onNearEnd]);

  const visible = rows.slice(win.start, win.end);
  return (
    <div className="task-table-scroll" ref={scroller} onScroll={onScroll} data-testid="task-table-scroll" role="table" aria-label="Tasks" aria-rowcount={rows.length}>
      <div className="task-row task-head" role="row">
        {COLUMNS.map((c, i) => (
          <span key={i} role="columnheader">
            {c}
          </span>
        ))}
      </div>
      <div className="task-spacer" style={{ height: win.totalHeight }}>
        {visible.map((row, i) => (
          <TaskRowView
            key={row.id}
            row={row}
            top={win.offsetTop + i * ROW_HEIGHT}
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
  );
}
