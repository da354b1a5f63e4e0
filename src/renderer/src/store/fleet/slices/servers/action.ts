import type { StateCreator } from 'zustand/vanilla';
import type { HostEvent } from '../../../../../../shared/fleet';
import type { FleetStore } from '../../store';
import { initialServersState, type ServersState } from './initialState';
import { applyHostEvent } from './reducer';

export interface ServersActions {
  applyEvent(event: HostEvent): void;
}

export type ServersSlice = ServersState & ServersActions;

export const createServersSlice: StateCreator<FleetStore, [], [], ServersSlice> = (set) => ({
  ...initialServersState,
  // The reducer returns the very same state when an event changes nothing; zustand then skips listeners.
  applyEvent: (event) => set((state) => applyHostEvent(state, event)),
});
