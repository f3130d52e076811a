import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { InspectResult } from '../../gateway/gatewayMessages.js';
import { useDashboard } from '../state/dashboardContext.js';

/**
 * "Inspect in Stately": switches inspection on for this actor (`ctl.inspect` through the
 * gateway) and shows how to watch it: the `ballast inspect` command and the inspector's URL.
 *
 * @example
 * html`<${InspectPanel} kind="symbol" id="AAPL" />`
 */
export function InspectPanel({ kind, id }: { readonly kind: string; readonly id: string }) {
  const { socket } = useDashboard();
  const [result, setResult] = useState<InspectResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inspect = () => {
    setBusy(true);
    socket
      .request<InspectResult>({ type: 'inspect', actorKind: kind, actorId: id })
      .then(
        (r) => {
          setResult(r);
          setError(null);
        },
        (e: Error) => setError(e.message),
      )
      .finally(() => setBusy(false));
  };
  return html`
    <section class="panel">
      <h3>Stately inspector</h3>
      <button data-testid="inspect-button" onClick=${inspect} disabled=${busy}>Inspect in Stately</button>
      ${error !== null && html`<p class="error">${error}</p>`}
      ${
        result !== null &&
        html`<div class="inspect-result" data-testid="inspect-result">
          <p>Inspection of <code>${kind}/${id}</code> is on (sent on <code>${result.subject}</code>). In a terminal run</p>
          <pre data-testid="inspect-command">${result.command}</pre>
          <p>then open <a href=${result.url} target="_blank" rel="noreferrer">${result.url}</a>.</p>
          <p class="muted">${result.note}</p>
        </div>`
      }
    </section>
  `;
}
