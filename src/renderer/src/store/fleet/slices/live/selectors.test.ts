import { describe, expect, it } from 'vitest';
import { deltasEvent, server, snapshotEvent, upsert, withQueue } from '../../../../testing/fixtures';
import { initialLiveState } from './initialState';
import { applyHostEvent } from './reducer';
import { selectFleetTotals, selectServers } from './selectors';

describe('servers selectors', () => {
  it('U1: lists servers in display order', () => {
    let state = applyHostEvent(initialLiveState, snapshotEvent(1, [server('b'), server('a')]));
    state = applyHostEvent(state, deltasEvent(2, upsert(server('c'))));
    expect(selectServers(state).map((s) => s.id)).toEqual(['b', 'a', 'c']);
  });

  it('U1: totals add running and pending and count open sockets', () => {
    const closed = server('z', {
      socket: { state: 'closed', clientId: 'z', connectedAt: null, lastClose: null, reconnectAttempt: 2, nextAttemptAt: 5000 },
      queue: null,
    });
    const state = applyHostEvent(initialLiveState, snapshotEvent(1, [withQueue(server('a'), 1, 3), withQueue(server('b'), 1, 0), closed]));
    expect(selectFleetTotals(state)).toEqual({ servers: 3, enabled: 3, running: 2, pending: 3, socketsOpen: 2 });
  });

  it('F6: an unhealthy server\'s last known queue is not counted as live work', () => {
    const down = withQueue(server('d', { health: { state: 'unhealthy', reason: 'connection refused', since: 1, consecutiveFailures: 2, lastOkAt: 1, lastLatencyMs: 3 } }), 1, 4);
    const state = applyHostEvent(initialLiveState, snapshotEvent(1, [withQueue(server('a'), 1, 1), down]));
    expect(selectFleetTotals(state)).toMatchObject({ servers: 2, running: 1, pending: 1 });
  });

  it('U1, F1: a disabled server\'s socket is not counted as open, even where the snapshot still says open, nor as one missing', () => {
    // The engine stops a disabled server's socket without publishing its close: the view may still say open.
    const disabled = withQueue(server('d', { enabled: false, health: { state: 'unknown', reason: 'disabled: not connected or probed', since: 1, consecutiveFailures: 0, lastOkAt: null, lastLatencyMs: null } }), 1, 2);
    const state = applyHostEvent(initialLiveState, snapshotEvent(1, [withQueue(server('a'), 1, 1), disabled]));
    expect(disabled.socket.state).toBe('open');
    expect(selectFleetTotals(state)).toEqual({ servers: 2, enabled: 1, running: 1, pending: 1, socketsOpen: 1 });
  });

  it('totals are zero for an empty fleet', () => {
    expect(selectFleetTotals(initialLiveState)).toEqual({ servers: 0, enabled: 0, running: 0, pending: 0, socketsOpen: 0 });
  });
});
