import { useMemo } from 'react';
import type { ServerId } from '../../../../shared/fleet';
import { useFleetStore } from '../../store/fleet/store';

export interface ServerName {
  id: ServerId;
  name: string;
}

// Server views change with every queue count; their names almost never do. Selecting one string
// keeps the tables from re-rendering on each server delta.
const SEP_FIELD = '\u0000';
const SEP_ITEM = '\u0001';

/** Servers in display order with their names; a new array only when a name or the set changes. */
export function useServerNames(): { list: ServerName[]; byId: Record<ServerId, string> } {
  const packed = useFleetStore((s) => s.order.map((id) => `${id}${SEP_FIELD}${s.byId[id]?.name ?? id}`).join(SEP_ITEM));
  return useMemo(() => {
    const list = packed
      ? packed.split(SEP_ITEM).map((item) => {
          const [id = '', name = ''] = item.split(SEP_FIELD);
          return { id, name };
        })
      : [];
    return { list, byId: Object.fromEntries(list.map((s) => [s.id, s.name])) };
  }, [packed]);
}
