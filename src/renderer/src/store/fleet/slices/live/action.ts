import type { StateCreator } from 'zustand/vanilla';
import type { HostEvent } from '../../../../../../shared/fleet';
import type { FleetStore } from '../../store';
import { initialLiveState, type LiveState } from './initialState';
import { applyHostEvent, applyHostEvents } from './reducer';

export interface LiveActions {
  applyEvent(event: HostEvent): void;
  /** Applies events in order as one store update (one render). */
  applyEvents(events: readonly HostEvent[]): void;
}

export type LiveSlice = LiveState & LiveActions;

export const createLiveSlice: StateCreator<FleetStore, [], [], LiveSlice> = (set) => ({
  ...initialLiveState,
  // The reducer returns the very same state when an event changes nothing; zustand then skips listeners.
  applyEvent: (event) => set((state) => applyHostEvent(state, event)),
  applyEvents: (events) => set((state) => applyHostEvents(state, events)),
});
