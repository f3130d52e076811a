import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { GatewaySocket } from '../connection/GatewaySocket.js';
import type { DashboardStore } from './DashboardStore.js';

/** The page's socket and store, provided once by the app. */
export interface Dashboard {
  readonly socket: GatewaySocket;
  readonly store: DashboardStore;
}

export const DashboardContext = createContext<Dashboard | null>(null);

/**
 * The dashboard's socket and store; re-renders the calling component when the store changes.
 *
 * @example
 * const { store } = useDashboard();
 * return html`<p>${store.state.workers.size} workers</p>`;
 */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (dashboard === null) throw new Error('useDashboard needs a DashboardContext provider');
  const [, setVersion] = useState(0);
  useEffect(() => dashboard.store.subscribe(() => setVersion((v) => v + 1)), [dashboard]);
  return dashboard;
}
