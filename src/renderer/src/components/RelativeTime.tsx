import { memo } from 'react';
import { useNow } from '../time/use-now';
import { formatAgo, formatClock, formatUntil } from '../time/format';

/** "12 s ago", ticking on its own so its parent need not re-render. */
export const Ago = memo(function Ago({ at }: { at: number }) {
  const now = useNow();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatClock(at)}>
      {formatAgo(at, now)}
    </time>
  );
});

/** "in 4 s", ticking on its own. */
export const Until = memo(function Until({ at }: { at: number }) {
  const now = useNow();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatClock(at)}>
      {formatUntil(at, now)}
    </time>
  );
});
