import { html } from 'htm/preact';
import type { GatewayCounters, WorkerView } from '../../gateway/gatewayMessages.js';
import { formatRate } from '../format.js';

interface DropCountersProps {
  readonly workers: readonly WorkerView[];
  readonly gateway: GatewayCounters | null;
}

/**
 * The cluster at a glance: total ticks/s, live actors, and everything dropped or refused —
 * sink drops, dead letters and errors summed over the workers, and the dashboard's own slow
 * clients dropped. Nothing is dropped silently, so every drop has a number here.
 *
 * @example
 * html`<${DropCounters} workers=${workers} gateway=${store.state.gateway} />`
 */
export function DropCounters({ workers, gateway }: DropCountersProps) {
  let rate = 0;
  let live = 0;
  let sinkDropped = 0;
  let deadLetters = 0;
  let errors = 0;
  for (const w of workers) {
    rate += w.ticksPerSecond;
    live += w.status.liveActors;
    sinkDropped += w.status.sinkDropped;
    deadLetters += w.status.deadLetters;
    errors += w.status.errors;
  }
  const tile = (label: string, value: string | number, testId: string, warn = false) =>
    html`<div class=${`tile stat${warn ? ' warn' : ''}`}>
      <div class="tile-title">${label}</div>
      <div class="tile-value" data-testid=${testId} data-value=${String(value)}>${value}</div>
    </div>`;
  return html`
    <div class="tiles">
      ${tile('ticks/s', formatRate(rate), 'ticks-per-second')}
      ${tile('workers', workers.length, 'worker-count')}
      ${tile('live actors', live, 'live-actors')}
      ${tile('sink drops', sinkDropped, 'sink-drops', sinkDropped > 0)}
      ${tile('dead letters', deadLetters, 'dead-letters', deadLetters > 0)}
      ${tile('errors', errors, 'errors', errors > 0)}
      ${tile('slow browsers dropped', gateway?.slowClientsDropped ?? 0, 'slow-clients', (gateway?.slowClientsDropped ?? 0) > 0)}
    </div>
  `;
}
