import type { EngineConnection } from '../../../../transport/connection';
import type { EngineState } from './initialState';

/** The new connection; `opens` counts each move into `open` (not repeated `open` reports). */
export function nextEngineState(state: EngineState, connection: EngineConnection): EngineState {
  const opened = connection.status === 'open' && state.connection.status !== 'open';
  return { connection, opens: opened ? state.opens + 1 : state.opens };
}
