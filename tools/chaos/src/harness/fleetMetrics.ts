import { addCounts, byLabel, scrapeMetrics, total } from './prometheusText.js';
import type { WorkerFleet } from './WorkerFleet.js';

/** Counters summed over the live workers' `/metrics`. */
export interface FleetMetrics {
  /** `ballast_dead_letters_total` by reason. */
  readonly deadLetters: Record<string, number>;
  /** `ballast_errors_total` by kind. */
  readonly errors: Record<string, number>;
  /** `ballast_queue_drops_total` by queue. */
  readonly queueDrops: Record<string, number>;
  readonly leasesLost: number;
  readonly ticksFolded: number;
  /** `ballast_sequence_duplicates_total`: sourceSeqs reported as seen before (folded anyway). */
  readonly sequenceDuplicates: number;
  /** `ballast_candles_dropped_total`: closed candles the sink breaker or its queue dropped. */
  readonly candlesDropped: number;
  /** Workers whose endpoint did not answer. */
  readonly unreachable: number;
}

/**
 * Scrapes every live worker started with `--http-port` and sums its counters.
 *
 * @example
 * const { deadLetters } = await fleetMetrics(fleet);
 */
export async function fleetMetrics(fleet: WorkerFleet): Promise<FleetMetrics> {
  const scrapes = await Promise.all(
    fleet
      .live()
      .map((w) => (w.http === undefined ? null : scrapeMetrics(w.http).catch(() => null))),
  );
  let unreachable = 0;
  let leasesLost = 0;
  let ticksFolded = 0;
  let sequenceDuplicates = 0;
  let candlesDropped = 0;
  const deadLetters: Record<string, number>[] = [];
  const errors: Record<string, number>[] = [];
  const queueDrops: Record<string, number>[] = [];
  for (const samples of scrapes) {
    if (samples === null) {
      unreachable++;
      continue;
    }
    deadLetters.push(nonZero(byLabel(samples, 'ballast_dead_letters_total', 'reason')));
    errors.push(nonZero(byLabel(samples, 'ballast_errors_total', 'kind')));
    queueDrops.push(byLabel(samples, 'ballast_queue_drops_total', 'queue'));
    leasesLost += total(samples, 'ballast_lease_lost_total');
    ticksFolded += total(samples, 'ballast_ticks_folded_total');
    sequenceDuplicates += total(samples, 'ballast_sequence_duplicates_total');
    candlesDropped += total(samples, 'ballast_candles_dropped_total');
  }
  return {
    deadLetters: addCounts(...deadLetters),
    errors: addCounts(...errors),
    queueDrops: addCounts(...queueDrops),
    leasesLost,
    ticksFolded,
    sequenceDuplicates,
    candlesDropped,
    unreachable,
  };
}

function nonZero(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([, n]) => n !== 0));
}
