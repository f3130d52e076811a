import type { ErrorEntry } from '@ballast/protocol';
import { html } from 'htm/preact';
import type { DeadLetterView, ReloadEvent } from '../../gateway/gatewayMessages.js';
import { formatTime } from '../format.js';

/**
 * The last errors (`sys.errors`), newest first.
 *
 * @example
 * html`<${ErrorList} errors=${store.state.errors} />`
 */
export function ErrorList({ errors }: { readonly errors: readonly ErrorEntry[] }) {
  if (errors.length === 0)
    return html`<p class="muted">No errors. Every failure would show here.</p>`;
  return html`<table class="table compact" data-testid="error-list">
    <thead><tr><th>time</th><th>source</th><th>code</th><th>message</th></tr></thead>
    <tbody>
      ${[...errors].reverse().map(
        (e) => html`<tr>
          <td>${formatTime(e.at)}</td><td>${e.source}</td><td><code>${e.code}</code></td>
          <td title=${e.cause ?? ''}>${e.message}${e.state ? html` <span class="muted">in ${e.state}</span>` : ''}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The last dead letters (`sys.deadletter`), newest first, with a hex preview of the payload.
 *
 * @example
 * html`<${DeadLetterList} letters=${store.state.deadLetters} />`
 */
export function DeadLetterList({ letters }: { readonly letters: readonly DeadLetterView[] }) {
  if (letters.length === 0)
    return html`<p class="muted">No dead letters. Refused input would show here.</p>`;
  return html`<table class="table compact" data-testid="dead-letter-list">
    <thead><tr><th>time</th><th>reason</th><th>subject</th><th>detail</th><th class="num">bytes</th></tr></thead>
    <tbody>
      ${[...letters].reverse().map(
        (d) => html`<tr>
          <td>${formatTime(d.at)}</td><td><code>${d.reason}</code></td><td>${d.subject}</td>
          <td title=${d.payloadHex}>${d.detail}</td><td class="num">${d.payloadSize}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * Reload history: each change of a worker's reloader counters, newest first.
 *
 * @example
 * html`<${ReloadList} reloads=${store.state.reloads} />`
 */
export function ReloadList({ reloads }: { readonly reloads: readonly ReloadEvent[] }) {
  if (reloads.length === 0)
    return html`<p class="muted">No reload seen yet (asked of each worker every 5 s).</p>`;
  return html`<table class="table compact" data-testid="reload-list">
    <thead><tr><th>time</th><th>worker</th><th>state</th><th class="num">reloads</th><th class="num">failed</th><th class="num">last took</th><th class="num">instruments</th><th>last error</th></tr></thead>
    <tbody>
      ${[...reloads].reverse().map(
        (r) => html`<tr>
          <td>${formatTime(r.at)}</td><td>${r.worker}</td><td>${r.state}</td>
          <td class="num">${r.reloads}</td><td class="num">${r.failures}</td>
          <td class="num">${r.lastDurationMs === null ? '–' : `${r.lastDurationMs} ms`}</td>
          <td class="num">${r.instruments ?? '–'}</td><td>${r.lastError ?? ''}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
