import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { MachineName } from '../../gateway/gatewayMessages.js';
import type { StatechartDefinition } from '../../gateway/machineDefinition.js';
import { layoutStatechart, type StatechartLayout } from '../chart/layoutStatechart.js';
import { useDashboard } from '../state/dashboardContext.js';

// A machine's definition and layout never change while the page is open.
const layouts = new Map<MachineName, Promise<StatechartLayout>>();

interface StatechartProps {
  readonly machine: MachineName;
  /** State ids to highlight (the active state and its ancestors). */
  readonly active: readonly string[];
}

/**
 * A machine's statechart: definition from the gateway, laid out by ELK in the page and drawn
 * as SVG, with the active states highlighted (`data-active="true"` on their groups).
 *
 * @example
 * html`<${Statechart} machine="symbolCache" active=${['active', 'active.live']} />`
 */
export function Statechart({ machine, active }: StatechartProps) {
  const { socket } = useDashboard();
  const [layout, setLayout] = useState<StatechartLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let pending = layouts.get(machine);
    if (pending === undefined) {
      pending = socket
        .request<StatechartDefinition>({ type: 'definition', machine })
        .then(layoutStatechart);
      // A failed request is asked again next time.
      pending.catch(() => layouts.delete(machine));
      layouts.set(machine, pending);
    }
    pending.then(
      (l) => !cancelled && setLayout(l),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [machine, socket]);

  if (error !== null) return html`<p class="error">statechart unavailable: ${error}</p>`;
  if (layout === null) return html`<p class="muted">laying out ${machine}…</p>`;
  const isActive = new Set(active);
  return html`
    <div class="statechart" data-testid="statechart" data-machine=${machine}>
      <svg
        viewBox=${`0 0 ${layout.width} ${layout.height}`}
        width=${layout.width}
        height=${layout.height}
        role="img"
        aria-label=${`statechart of ${machine}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        ${layout.states.map((s) => {
          const on = isActive.has(s.state.id);
          const compound = s.state.type === 'compound' || s.state.type === 'parallel';
          const final = s.state.type === 'final';
          return html`
            <g
              class=${`state depth-${s.depth}${compound ? ' compound' : ''}${on ? ' active' : ''}`}
              data-testid=${`state-${s.state.id}`}
              data-active=${on ? 'true' : 'false'}
            >
              <title>${s.state.description ?? s.state.id}</title>
              <rect x=${s.x} y=${s.y} width=${s.width} height=${s.height} rx="8" />
              ${final && html`<rect class="final-inner" x=${s.x + 3} y=${s.y + 3} width=${s.width - 6} height=${s.height - 6} rx="6" />`}
              <text class="state-name" x=${s.x + 12} y=${s.y + 20}>${s.state.key}</text>
              ${s.internal.map(
                (line, i) =>
                  html`<text class="state-internal" x=${s.x + 12} y=${s.y + 36 + i * 14}>${line}</text>`,
              )}
            </g>
          `;
        })}
        ${layout.edges.map(
          (e) => html`
            <g class="edge">
              <polyline points=${e.points.map((p) => `${p.x},${p.y}`).join(' ')} marker-end="url(#arrow)" />
              ${
                e.label &&
                e.lines.map(
                  (line, i) =>
                    html`<text class="edge-label" x=${(e.label?.x ?? 0) + 3} y=${(e.label?.y ?? 0) + 11 + i * 14}>${line}</text>`,
                )
              }
            </g>
          `,
        )}
        ${layout.initials.map((p) => html`<circle class="initial" cx=${p.x} cy=${p.y} r="5" />`)}
      </svg>
      ${
        layout.anyState.length > 0 &&
        html`<p class="muted">in every state: ${layout.anyState.join(', ')}</p>`
      }
    </div>
  `;
}
