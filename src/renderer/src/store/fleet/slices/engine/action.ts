import type { StateCreator } from 'zustand/vanilla';
import type { EngineConnection } from '../../../../transport/connection';
import type { FleetStore } from '../../store';
import { initialEngineState, type EngineState } from './initialState';
import { nextEngineState } from './reducer';

export interface EngineActions {
  setConnection(connection: EngineConnection): void;
}

export type EngineSlice = EngineState & EngineActions;

export const createEngineSlice: StateCreator<FleetStore, [], [], EngineSlice> = (set) => ({
  ...initialEngineState,
  setConnection: (connection) => set((state) => nextEngineState(state, connection)),
});
