import { html } from 'htm/preact';
import { breakerLabel } from '../../gateway/breakerLabel.js';
import type {
  BreakerStateLabel,
  BreakerTransition,
  WorkerView,
} from '../../gateway/gatewayMessages.js';
import { formatTime } from '../format.js';

// A tile shows the worst state of its breaker over the workers.
const severity: Readonly<Record<BreakerStateLabel, number>> = {
  CLOSED: 0,
  UNKNOWN: 1,
  HALF_OPEN: 2,
  OPEN: 3,
};

interface BreakerTilesProps {
  readonly workers: readonly WorkerView[];
  readonly transitions: readonly BreakerTransition[];
}

/**
 * One tile per breaker name (e.g. `candleSink`): its worst state over the workers
 * (`data-testid="breaker-<name>"`, `data-state="OPEN"`), each worker's state, and the last
 * transitions. A tile links to the circuit breaker's statechart.
 *
 * @example
 * html`<${BreakerTiles} workers=${workers} transitions=${store.state.breakerTransitions} />`
 */
export function BreakerTiles({ workers, transitions }: BreakerTilesProps) {
  const byName = new Map<string, { worker: string; state: BreakerStateLabel }[]>();
  for (const w of workers) {
    for (const [name, code] of Object.entries(w.status.breakers)) {
      byName.set(name, [
        ...(byName.get(name) ?? []),
        { worker: w.status.worker, state: breakerLabel(code) },
      ]);
    }
  }
  if (byName.size === 0) return html`<p class="muted">No breaker reported yet.</p>`;
  return html`
    <div class="tiles">
      ${[...byName].map(([name, states]) => {
        const worst = states.reduce<BreakerStateLabel>(
          (w, s) => (severity[s.state] > severity[w] ? s.state : w),
          'CLOSED',
        );
        const recent = transitions
          .filter((t) => t.breaker === name)
          .slice(-5)
          .reverse();
        return html`
          <a
            class=${`tile breaker ${worst}`}
            data-testid=${`breaker-${name}`}
            data-state=${worst}
            href=${`#/machine/circuitBreaker?state=${worst}`}
          >
            <div class="tile-title">${name}</div>
            <div class="tile-value">${worst}</div>
            <ul class="tile-list">
              ${states.map((s) => html`<li>${s.worker}: <b class=${s.state}>${s.state}</b></li>`)}
            </ul>
            ${
              recent.length > 0 &&
              html`<ul class="tile-list transitions" data-testid=${`breaker-${name}-transitions`}>
                ${recent.map((t) => html`<li>${formatTime(t.at)} ${t.worker}: ${t.from} → ${t.to}</li>`)}
              </ul>`
            }
          </a>
        `;
      })}
    </div>
  `;
}
