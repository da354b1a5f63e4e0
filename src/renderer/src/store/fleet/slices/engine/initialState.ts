import type { EngineConnection } from '../../../../transport/connection';

export interface EngineState {
  connection: EngineConnection;
}

export const initialEngineState: EngineState = {
  connection: { status: 'connecting', attempt: 0 },
};
