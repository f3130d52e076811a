import { html, render } from 'htm/preact';
import { GatewaySocket } from './connection/GatewaySocket.js';
import { DashboardStore } from './state/DashboardStore.js';
import './styles.css';
import { App } from './views/App.js';

// The gateway serves this page and its socket on the same host and port.
const socket = new GatewaySocket(new URL('ws', location.href.replace(/^http/, 'ws')).href);
const store = new DashboardStore();
socket.onMessage((message) => store.apply(message));

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
render(html`<${App} dashboard=${{ socket, store }} />`, root);
