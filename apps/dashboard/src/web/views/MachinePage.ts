import { html } from 'htm/preact';
import { type MachineName, machineNames } from '../../gateway/gatewayMessages.js';
import { Statechart } from './Statechart.js';

/**
 * Any of Ballast's machines as a statechart (`#/machine/circuitBreaker?state=OPEN`), with
 * the named state and its ancestors highlighted.
 *
 * @example
 * html`<${MachinePage} machine="reloader" state=${null} />`
 */
export function MachinePage({
  machine,
  state,
}: {
  readonly machine: MachineName;
  readonly state: string | null;
}) {
  const active =
    state === null ? [] : state.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  return html`
    <div class="page" data-page="machine">
      <h2>machine <code>${machine}</code></h2>
      <nav class="machine-nav">
        ${machineNames.map((m) => html`<a class=${m === machine ? 'on' : ''} href=${`#/machine/${m}`}>${m}</a>`)}
      </nav>
      <section class="panel"><${Statechart} machine=${machine} active=${active} /></section>
    </div>
  `;
}
