import { html } from 'htm/preact';
import type { WorkerView } from '../../gateway/gatewayMessages.js';
import { formatAge, formatBytes, formatRate, workerColor } from '../format.js';

/**
 * One row per worker: partitions, live / retiring / passivated actors, ticks/s, RSS, heap,
 * consumer lag, NATS connection and when it last announced itself.
 *
 * @example
 * html`<${WorkersTable} workers=${[...store.state.workers.values()]} />`
 */
export function WorkersTable({ workers }: { readonly workers: readonly WorkerView[] }) {
  if (workers.length === 0) {
    return html`<p class="muted" data-testid="no-workers">No worker has announced itself yet (every 2 s on sys.workers).</p>`;
  }
  const now = Date.now();
  return html`
    <table class="table" data-testid="workers-table">
      <thead>
        <tr>
          <th>worker</th><th>partitions</th><th class="num">live</th><th class="num">retiring</th>
          <th class="num">passivated</th><th class="num">ticks/s</th><th class="num">RSS</th>
          <th class="num">heap</th><th class="num">lag</th><th>connection</th><th>seen</th>
        </tr>
      </thead>
      <tbody>
        ${workers.map((w, i) => {
          const s = w.status;
          const stale = now - w.seenAt > 10_000;
          return html`
            <tr data-testid="worker-row" data-worker=${s.worker} class=${stale ? 'stale' : ''}>
              <td><span class="swatch" style=${`background:${workerColor(i)}`}></span>${s.worker}</td>
              <td>${s.partitions.length > 0 ? s.partitions.join(', ') : '–'}</td>
              <td class="num">${s.liveActors}</td>
              <td class="num">${s.retiringActors}</td>
              <td class="num">${w.passivatedActors ?? '–'}</td>
              <td class="num" data-testid="worker-rate">${formatRate(w.ticksPerSecond)}</td>
              <td class="num">${formatBytes(s.rss)}</td>
              <td class="num">${formatBytes(s.heapUsed)}</td>
              <td class="num">${s.lag}</td>
              <td><span class=${`pill ${s.connection === 'connected' ? 'ok' : 'warn'}`}>${s.connection}</span></td>
              <td>${formatAge(w.seenAt, now)}</td>
            </tr>
          `;
        })}
      </tbody>
    </table>
  `;
}
