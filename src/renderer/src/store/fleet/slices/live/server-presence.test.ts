import { describe, expect, it } from 'vitest';
import type { HealthView } from '../../../../../../shared/fleet';
import { server } from '../../../../testing/fixtures';
import { serverPresence, shownSocketState, socketCountsAsOpen } from './server-presence';

const health = (state: HealthView['state']): HealthView => ({ state, reason: state, since: 1, consecutiveFailures: state === 'unhealthy' ? 2 : 0, lastOkAt: 1, lastLatencyMs: 3 });

describe('what a server card presents as current (U1, F2, F6)', () => {
  it('F2: healthy, degraded and unknown servers show live figures; an unhealthy one only last known ones', () => {
    expect(serverPresence(server('a'))).toBe('live');
    expect(serverPresence(server('a', { health: health('degraded') }))).toBe('live');
    expect(serverPresence(server('a', { health: health('unknown') }))).toBe('live');
    expect(serverPresence(server('a', { health: health('unhealthy') }))).toBe('down');
  });

  it('F1: a disabled server shows neither figures nor a socket, whatever the snapshot kept', () => {
    const disabled = server('a', { enabled: false, health: health('unknown') });
    expect(disabled.socket.state).toBe('open');
    expect(serverPresence(disabled)).toBe('disabled');
    expect(shownSocketState(disabled)).toBe('off');
    expect(socketCountsAsOpen(disabled)).toBe(false);
  });

  it('F3: an enabled server shows its socket as the engine reports it', () => {
    expect(shownSocketState(server('a'))).toBe('open');
    expect(socketCountsAsOpen(server('a'))).toBe(true);
    const closed = server('b', { socket: { state: 'closed', clientId: 'c', connectedAt: null, lastClose: null, reconnectAttempt: 1, nextAttemptAt: 9 } });
    expect(shownSocketState(closed)).toBe('closed');
    expect(socketCountsAsOpen(closed)).toBe(false);
  });
});
