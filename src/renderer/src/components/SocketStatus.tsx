import { memo } from 'react';
import type { SocketClose, SocketView } from '../../../shared/fleet';
import { formatClock } from '../time/format';
import { Ago, Until } from './RelativeTime';

/** The console's one socket to the server (F3) and the last way it closed (U1). */
export const SocketStatus = memo(function SocketStatus({ socket }: { socket: SocketView }) {
  const { state, lastClose } = socket;
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
      {lastClose && (
        <div className={state === 'open' ? 'socket-close muted' : 'socket-close'} data-testid="last-close">
          last close <strong>{lastClose.code}</strong> {lastClose.kind.replace('_', ' ')}
          {lastClose.reason && <> “{lastClose.reason}”</>} at {formatClock(lastClose.at)} (<Ago at={lastClose.at} />)
        </div>
      )}
    </div>
  );
}, sameShown);

function failures(count: number): string {
  return count === 1 ? '1 failure' : `${count} failures`;
}

/** Server deltas bring new objects on every queue change: re-render only when what shows changed. */
function sameShown(a: { socket: SocketView }, b: { socket: SocketView }): boolean {
  const x = a.socket;
  const y = b.socket;
  return x.state === y.state && x.connectedAt === y.connectedAt && x.reconnectAttempt === y.reconnectAttempt && x.nextAttemptAt === y.nextAttemptAt && sameClose(x.lastClose, y.lastClose);
}

function sameClose(a: SocketClose | null, b: SocketClose | null): boolean {
  if (!a || !b) return a === b;
  return a.code === b.code && a.kind === b.kind && a.reason === b.reason && a.at === b.at;
}
