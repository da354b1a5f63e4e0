import type { EngineConnection } from '../../../../transport/connection';

export interface EngineState {
  connection: EngineConnection;
  /**
   * How many times the link to the engine has opened. A read that failed only because the link
   * was down records this count and goes again once it moves (see useReissueOnOpen).
   */
  opens: number;
}

export const initialEngineState: EngineState = {
  connection: { status: 'connecting', attempt: 0 },
  opens: 0,
};
