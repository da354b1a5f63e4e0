import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { createEngineSlice, type EngineSlice } from './slices/engine/action';
import { createLiveSlice, type LiveSlice } from './slices/live/action';

/** The fleet as the engine last reported it, plus the state of the link to the engine. */
export type FleetStore = LiveSlice & EngineSlice;

export type FleetStoreApi = ReturnType<typeof createFleetStore>;

/** A fresh store; tests make their own, the app uses {@link fleetStore}. */
export const createFleetStore = () =>
  createStore<FleetStore>()((...a) => ({
    ...createLiveSlice(...a),
    ...createEngineSlice(...a),
  }));

export const fleetStore = createFleetStore();

export function useFleetStore<T>(selector: (state: FleetStore) => T): T {
  return useStore(fleetStore, selector);
}
