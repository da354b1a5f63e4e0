import { describe, expect, it } from 'vitest';
import { initialEngineState } from './initialState';
import { nextEngineState } from './reducer';

describe('engine link state', () => {
  it('counts each time the link opens, not each report while it is open', () => {
    let state = initialEngineState;
    expect(state.opens).toBe(0);
    state = nextEngineState(state, { status: 'open', since: 1 });
    state = nextEngineState(state, { status: 'open', since: 1 });
    expect(state.opens).toBe(1);
    state = nextEngineState(state, { status: 'reconnecting', attempt: 1, retryAt: 2, reason: 'connection lost (1006)' });
    state = nextEngineState(state, { status: 'connecting', attempt: 1 });
    expect(state.opens).toBe(1);
    state = nextEngineState(state, { status: 'open', since: 3 });
    expect(state).toEqual({ connection: { status: 'open', since: 3 }, opens: 2 });
  });
});
