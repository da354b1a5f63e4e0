import type { TaskStatus } from '../../../../shared/tasks';
import type { Tone } from '../../ui/StatusBadge';

const TONES: Record<TaskStatus, Tone> = {
  queued: 'muted',
  dispatched: 'info',
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'warn',
  interrupted: 'warn',
};

export const statusTone = (status: TaskStatus): Tone => TONES[status];

const ACTIVE = new Set<TaskStatus>(['queued', 'dispatched', 'running']);
/** Only unfinished tasks can be cancelled; only finished ones re-run (the engine decides the rest). */
export const isActiveStatus = (status: TaskStatus): boolean => ACTIVE.has(status);

/** "a1b2c3d4" of a long id; the full id goes in the title. */
export const shortId = (id: string): string => (id.length > 10 ? id.slice(0, 8) : id);
