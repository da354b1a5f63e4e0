import { createContext, useContext } from 'react';
import type { FleetApi } from '../../../shared/api';

export const ApiContext = createContext<FleetApi | null>(null);

/** The engine API for commands; state comes from the store, never from here. */
export function useFleetApi(): FleetApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useFleetApi needs an <ApiContext> provider above it (see main.tsx).');
  return api;
}
