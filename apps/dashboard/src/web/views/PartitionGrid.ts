import { html } from 'htm/preact';
import type { WorkerView } from '../../gateway/gatewayMessages.js';
import { workerColor } from '../format.js';

interface PartitionGridProps {
  readonly workers: readonly WorkerView[];
  /** The partition count if known; otherwise the highest owned partition + 1. */
  readonly partitions: number | null;
}

/**
 * One cell per partition of the tick log, colored by the worker owning its lease; unowned
 * cells are hollow, cells two workers claim (during a handover) are striped and marked.
 *
 * @example
 * html`<${PartitionGrid} workers=${workers} partitions=${16} />`
 */
export function PartitionGrid({ workers, partitions }: PartitionGridProps) {
  const owners = new Map<number, number[]>();
  workers.forEach((w, i) => {
    for (const p of w.status.partitions) owners.set(p, [...(owners.get(p) ?? []), i]);
  });
  const count = partitions ?? Math.max(0, ...[...owners.keys()].map((p) => p + 1));
  if (count === 0) return html`<p class="muted">No partition owned yet.</p>`;
  return html`
    <div class="partition-grid" data-testid="partition-grid">
      ${Array.from({ length: count }, (_, p) => {
        const own = owners.get(p) ?? [];
        const first = own[0];
        const title =
          own.length === 0
            ? `partition ${p}: no owner`
            : `partition ${p}: ${own.map((i) => workers[i]?.status.worker).join(' and ')}`;
        const style =
          own.length === 1 && first !== undefined
            ? `background:${workerColor(first)}`
            : own.length > 1
              ? `background:repeating-linear-gradient(45deg,${own.map((i, k) => `${workerColor(i)} ${k * 6}px ${(k + 1) * 6}px`).join(',')})`
              : '';
        return html`<div
          class=${`partition${own.length === 0 ? ' unowned' : ''}${own.length > 1 ? ' contested' : ''}`}
          style=${style}
          title=${title}
          data-testid="partition"
          data-owner=${own.length === 1 ? workers[first ?? 0]?.status.worker : own.length === 0 ? '' : 'contested'}
        >${p}</div>`;
      })}
    </div>
  `;
}
