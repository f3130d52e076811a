import { html } from 'htm/preact';
import { useDashboard } from '../state/dashboardContext.js';
import { BreakerTiles } from './BreakerTiles.js';
import { DropCounters } from './DropCounters.js';
import { DeadLetterList, ErrorList, ReloadList } from './EventLists.js';
import { PartitionGrid } from './PartitionGrid.js';
import { SinkPanel } from './SinkPanel.js';
import { SymbolPicker } from './SymbolPicker.js';
import { TimeSeries } from './TimeSeries.js';
import { WorkersTable } from './WorkersTable.js';

/**
 * The cluster at a glance: counters, workers, partition ownership, live plots of ticks/s and
 * RSS, breakers, the sink, reloads, and the last errors and dead letters.
 *
 * @example
 * html`<${Overview} />`
 */
export function Overview() {
  const { store } = useDashboard();
  const s = store.state;
  const workers = [...s.workers.values()].sort((a, b) =>
    a.status.worker.localeCompare(b.status.worker),
  );
  return html`
    <div class="page" data-page="overview">
      <${SymbolPicker} />
      <${DropCounters} workers=${workers} gateway=${s.gateway} />
      <section class="panel"><h3>workers</h3><${WorkersTable} workers=${workers} /></section>
      <section class="panel"><h3>partition ownership</h3><${PartitionGrid} workers=${workers} partitions=${s.partitions} /></section>
      <div class="plots">
        <${TimeSeries} title="ticks/s per worker" testId="plot-ticks" samples=${s.samples}
          value=${(x: { ticksPerSecond: number }) => x.ticksPerSecond} unit="rate" version=${s.samplesVersion} />
        <${TimeSeries} title="RSS per worker" testId="plot-rss" samples=${s.samples}
          value=${(x: { rss: number }) => x.rss} unit="bytes" version=${s.samplesVersion} />
      </div>
      <section class="panel"><h3>circuit breakers</h3><${BreakerTiles} workers=${workers} transitions=${s.breakerTransitions} /></section>
      <section class="panel"><h3>sink</h3><${SinkPanel} sinks=${[...s.sinks.values()]} /></section>
      <section class="panel"><h3>reloads</h3><${ReloadList} reloads=${s.reloads} /></section>
      <div class="two-columns">
        <section class="panel scroll"><h3>recent errors</h3><${ErrorList} errors=${s.errors} /></section>
        <section class="panel scroll"><h3>recent dead letters</h3><${DeadLetterList} letters=${s.deadLetters} /></section>
      </div>
    </div>
  `;
}
