import type { DeltaBatch, ServerId, ServerView } from '../../../../../../shared/fleet';

/**
 * How far the view is in step with the engine:
 *   waiting ──snapshot──▶ live ──seq gap──▶ resyncing ──snapshot──▶ live
 */
export type SyncState = 'waiting' | 'live' | 'resyncing';

export interface ServersState {
  /** Seq of the last batch applied; null until the first snapshot. */
  seq: number | null;
  /** Engine time of the snapshot the view was last rebuilt from. */
  snapshotAt: number | null;
  /** Server ids in display order: the snapshot's order, then new servers appended. */
  order: ServerId[];
  byId: Record<ServerId, ServerView>;
  sync: SyncState;
  /** Batches newer than a gap, kept while a fresh snapshot is on its way. */
  held: DeltaBatch[];
}

export const initialServersState: ServersState = {
  seq: null,
  snapshotAt: null,
  order: [],
  byId: {},
  sync: 'waiting',
  held: [],
};
