import type { ServerView, SocketState } from '../../../../../../shared/fleet';

/**
 * How current a card's figures are (U1, F2, F6):
 * - `live`: probes or the socket answer, so running/pending and VRAM are the server's now;
 * - `down`: two probes in a row failed. The figures are the last the server reported before it
 *   went quiet, and a crashed ComfyUI has lost its queue: shown only as last known, with their age;
 * - `disabled`: the console neither probes nor connects, so there is nothing current to show.
 */
export type Presence = 'live' | 'down' | 'disabled';

export function serverPresence(server: Pick<ServerView, 'enabled' | 'health'>): Presence {
  if (!server.enabled) return 'disabled';
  return server.health.state === 'unhealthy' ? 'down' : 'live';
}

/**
 * The socket as a card shows it: a disabled server has none, whatever socket state the snapshot
 * still carries (disabling stops the socket without publishing its close, so the snapshot can
 * still say `open`): `off`, rather than an `open since …` that is no longer true.
 */
export function shownSocketState(server: Pick<ServerView, 'enabled' | 'socket'>): SocketState | 'off' {
  return server.enabled ? server.socket.state : 'off';
}

/** Whether the header counts this server's socket as open: only a live socket of an enabled server. */
export function socketCountsAsOpen(server: Pick<ServerView, 'enabled' | 'socket'>): boolean {
  return shownSocketState(server) === 'open';
}
