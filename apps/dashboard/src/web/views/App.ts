import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { SocketState } from '../connection/GatewaySocket.js';
import { type Route, useRoute } from '../router.js';
import { type Dashboard, DashboardContext } from '../state/dashboardContext.js';
import { ActorPage } from './ActorPage.js';
import { MachinePage } from './MachinePage.js';
import { Overview } from './Overview.js';

/**
 * The page: a header with the connection state and navigation, and the routed view.
 *
 * @example
 * render(html`<${App} dashboard=${{ socket, store }} />`, document.body);
 */
export function App({ dashboard }: { readonly dashboard: Dashboard }) {
  const route = useRoute();
  const [state, setState] = useState<SocketState>(dashboard.socket.state);
  useEffect(() => {
    const off = dashboard.socket.onState(setState);
    // The socket may have opened between the first render and this effect.
    setState(dashboard.socket.state);
    return off;
  }, [dashboard]);
  return html`
    <${DashboardContext.Provider} value=${dashboard}>
      <header class="top">
        <a class="brand" href="#/">Ballast</a>
        <nav>
          <a href="#/" class=${route.page === 'overview' ? 'on' : ''}>overview</a>
          <a href="#/machine/symbolCache" class=${route.page === 'machine' ? 'on' : ''}>machines</a>
        </nav>
        <span class=${`connection ${state}`} data-testid="connection" data-state=${state}>
          ${state === 'open' ? 'live' : state === 'connecting' ? 'connecting…' : 'disconnected, retrying'}
        </span>
      </header>
      <main>
        ${view(route)}
      </main>
    <//>
  `;
}

// One keyed child for <main>: a page never shares a parent slot with another page's nodes.
function view(route: Route) {
  switch (route.page) {
    case 'overview':
      return html`<${Overview} key="overview" />`;
    case 'actor':
      return html`<${ActorPage} key=${`actor/${route.kind}/${route.id}`} kind=${route.kind} id=${route.id} />`;
    case 'machine':
      return html`<${MachinePage} key=${`machine/${route.machine}`} machine=${route.machine} state=${route.state} />`;
  }
}
