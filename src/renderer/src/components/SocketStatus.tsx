import { memo } from 'react';
import type { SocketClose, SocketView } from '../../../shared/fleet';
import { shownSocketState } from '../store/fleet/slices/live/server-presence';
import { formatClock } from '../time/format';
import { Ago, Until } from './RelativeTime';

interface Props {
  socket: SocketView;
  /** A disabled server has no socket, whatever the snapshot's socket view still says. */
  enabled: boolean;
}

/** The console's one socket to the server (F3) and the last way it closed (U1). */
export const SocketStatus = memo(function SocketStatus({ socket, enabled }: Props) {
  const { lastClose } = socket;
  const shown = shownSocketState({ enabled, socket });
  if (shown === 'off') {
    return (
      <div className="socket">
        <div className="socket-line">
          <span className="dot dot-off" aria-hidden="true" />
          <span className="socket-state" data-testid="socket-state" data-state="off">
            off
          </span>
          <span className="muted">disabled: the console keeps no socket to it</span>
        </div>
        {lastClose && <LastClose close={lastClose} muted />}
      </div>
    );
  }
  const state = shown;
  return (
    <div className="socket">
      <div className="socket-line">
        <span className={`dot dot-${state}`} aria-hidden="true" />
        <span className="socket-state" data-testid="socket-state" data-state={state}>
          {state}
        </span>
        {state === 'open' && socket.connectedAt !== null && (
          <span className="muted">
            since <Ago at={socket.connectedAt} />
          </span>
        )}
        {state === 'connecting' && socket.reconnectAttempt > 0 && <span className="muted">after {failures(socket.reconnectAttempt)}</span>}
        {state === 'closed' && socket.nextAttemptAt !== null && (
          <span className="muted" data-testid="next-attempt">
            retry <Until at={socket.nextAttemptAt} /> · {failures(socket.reconnectAttempt)}
          </span>
        )}
        {state === 'closed' && socket.nextAttemptAt === null && <span className="muted">no retry scheduled</span>}
      </div>
      {lastClose && <LastClose close={lastClose} muted={state === 'open'} />}
    </div>
  );
}, sameShown);

function LastClose({ close, muted }: { close: SocketClose; muted: boolean }) {
  return (
    <div className={muted ? 'socket-close muted' : 'socket-close'} data-testid="last-close">
      last close <strong>{close.code}</strong> {close.kind.replace('_', ' ')}
      {close.reason && <> “{close.reason}”</>} at {formatClock(close.at)} (<Ago at={close.at} />)
    </div>
  );
}

function failures(count: number): string {
  return count === 1 ? '1 failure' : `${count} failures`;
}

/** Server deltas bring new objects on every queue change: re-render only when what shows changed. */
function sameShown(a: Props, b: Props): boolean {
  const x = a.socket;
  const y = b.socket;
  return a.enabled === b.enabled && x.state === y.state && x.connectedAt === y.connectedAt && x.reconnectAttempt === y.reconnectAttempt && x.nextAttemptAt === y.nextAttemptAt && sameClose(x.lastClose, y.lastClose);
}

function sameClose(a: SocketClose | null, b: SocketClose | null): boolean {
  if (!a || !b) return a === b;
  return a.code === b.code && a.kind === b.kind && a.reason === b.reason && a.at === b.at;
}
