import type { EngineConnection } from '../../../../transport/connection';
import type { EngineState } from './initialState';

export const selectConnection = (state: EngineState): EngineConnection => state.connection;

export const selectEngineOpen = (state: EngineState): boolean => state.connection.status === 'open';

export const selectEngineOpens = (state: EngineState): number => state.opens;
