import { html } from 'htm/preact';
import type { SinkStatsView } from '../../gateway/gatewayMessages.js';
import { formatAge } from '../format.js';

const shown = ['received', 'acked', 'failed', 'refused', 'ignoredWhileDown', 'invalid', 'inFlight'];

/**
 * The candle sinks' own numbers (`sys.sink`, every 2 s): whether each is up, its injected
 * faults, and what it received, acknowledged, failed or ignored.
 *
 * @example
 * html`<${SinkPanel} sinks=${[...store.state.sinks.values()]} />`
 */
export function SinkPanel({ sinks }: { readonly sinks: readonly SinkStatsView[] }) {
  if (sinks.length === 0) return html`<p class="muted">No sink stats yet (sys.sink).</p>`;
  return html`
    <table class="table" data-testid="sink-table">
      <thead>
        <tr><th>sink</th><th>state</th>${shown.map((k) => html`<th class="num">${k}</th>`)}<th class="num">symbols</th><th>seen</th></tr>
      </thead>
      <tbody>
        ${sinks.map((s) => {
          const down = s.settings.down === true;
          return html`<tr data-testid="sink-row" data-down=${String(down)}>
            <td>${s.id}</td>
            <td><span class=${`pill ${down ? 'bad' : 'ok'}`}>${down ? 'DOWN' : 'up'}</span>
              ${Number(s.settings.failRate) > 0 && html` fail ${s.settings.failRate}`}
              ${Number(s.settings.latencyMs) > 0 && html` +${s.settings.latencyMs} ms`}</td>
            ${shown.map((k) => html`<td class="num">${s.counters[k] ?? '–'}</td>`)}
            <td class="num">${s.symbols}</td>
            <td>${formatAge(s.at)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  `;
}
