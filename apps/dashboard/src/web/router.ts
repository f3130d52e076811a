import { useEffect, useState } from 'preact/hooks';
import { type MachineName, machineNames } from '../gateway/gatewayMessages.js';

/** The page a hash shows. */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'actor'; readonly kind: string; readonly id: string }
  | { readonly page: 'machine'; readonly machine: MachineName; readonly state: string | null };

/**
 * Reads a location hash: `#/` overview, `#/actor/symbol/AAPL` an actor,
 * `#/machine/circuitBreaker?state=OPEN` a machine's statechart with a state highlighted.
 *
 * @example
 * parseRoute('#/actor/symbol/AAPL'); // { page: 'actor', kind: 'symbol', id: 'AAPL' }
 */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'actor' && parts.length === 3) {
    return { page: 'actor', kind: parts[1] as string, id: parts[2] as string };
  }
  const machine = parts[1] as MachineName;
  if (parts[0] === 'machine' && machineNames.includes(machine)) {
    return { page: 'machine', machine, state: new URLSearchParams(query).get('state') };
  }
  return { page: 'overview' };
}

/** The hash of an actor's page. */
export function actorHref(kind: string, id: string): string {
  return `#/actor/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
}

/** The current route; re-renders on `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
