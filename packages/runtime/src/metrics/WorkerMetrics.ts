import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { ConnectionStatus, WorkerStats } from './metricsSource.js';

/** Options of {@link WorkerMetrics}. */
export interface WorkerMetricsOptions {
  /** Returns the worker's current counters; called once per scrape, never on the tick path. */
  readonly stats: () => WorkerStats;
  /** Value of the `worker` label on every series. Default: `stats().workerId`, read once. */
  readonly workerId?: string;
  /** Also export prom-client's process metrics (RSS, heap, event-loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
  /**
   * Most label values one labelled metric exports; further keys are left out and counted in
   * `ballast_metrics_series_skipped_total`. A guard against a source that keys a record by
   * data (e.g. symbols) and would otherwise flood Prometheus. Integer >= 1; default 1000.
   */
  readonly maxSeriesPerMetric?: number;
}

/** Counters of {@link WorkerMetrics} itself; also exported as `ballast_metrics_*`. */
export interface WorkerMetricsCounters {
  /** Scrapes that read the stats function successfully. */
  scrapes: number;
  /** Scrapes whose stats function threw (the scrape then fails with that error). */
  scrapeFailures: number;
  /** Series left out of a scrape: over `maxSeriesPerMetric`, or not a valid number. */
  seriesSkipped: number;
}

const CONNECTION_STATUSES: readonly ConnectionStatus[] = [
  'connected',
  'reconnecting',
  'disconnected',
  'closed',
];

type Field<T> = (stats: WorkerStats) => T;
type Counts = Readonly<Record<string, number>>;

// Metric name (after `ballast_`) -> [help, field]. Cumulative stats: Counters.
const COUNTERS: Readonly<Record<string, readonly [string, Field<number>]>> = {
  ticks_received_total: ['Tick messages taken from the consumers', (s) => s.ticksReceived],
  ticks_folded_total: ["Ticks applied to actors' state", (s) => s.ticksFolded],
  fold_events_total: [
    'Machine events that carried live ticks (ticks_folded_total / this = ticks per batch)',
    (s) => s.foldEvents,
  ],
  replayed_events_total: ['Events re-applied while hydrating actors', (s) => s.replayedEvents],
  replays_total: ['Replays of the tick log started by hydrations', (s) => s.replays],
  snapshots_written_total: ['Actor snapshots stored to KV', (s) => s.snapshotsWritten],
  snapshot_failures_total: ['Snapshot writes that failed', (s) => s.snapshotFailures],
  snapshot_bytes_total: ['Bytes of all snapshots stored', (s) => s.snapshotBytes],
  passivated_actors_total: ['Actors snapshotted and stopped', (s) => s.passivatedActors],
  hydrations_total: ['Actors created from a snapshot and/or replay', (s) => s.hydrations],
  candles_published_total: ['Candle updates published', (s) => s.candlesPublished],
  candles_dropped_total: ['Candle updates dropped, breaker open', (s) => s.candlesDropped],
  lease_lost_total: ['Partition leases lost while held', (s) => s.leaseLost],
  sequence_gaps_total: ['Gaps detected in tick sequences', (s) => s.sequence.gaps],
  sequence_missing_messages_total: ['Messages missing in gaps', (s) => s.sequence.missing],
  sequence_duplicates_total: ['Duplicate ticks seen', (s) => s.sequence.duplicates],
  sequence_reordered_total: ['Ticks that arrived out of order', (s) => s.sequence.reordered],
  connection_reconnects_total: ['NATS reconnects', (s) => s.connection.reconnects],
  janitor_runs_total: ['Janitor runs', (s) => s.janitor.runs],
  janitor_trimmed_total: ['Items the janitor trimmed or evicted', (s) => s.janitor.trimmed],
};

// Levels: Gauges.
const GAUGES: Readonly<Record<string, readonly [string, Field<number>]>> = {
  live_actors: ['Symbol actors alive now', (s) => s.liveActors],
  partitions_owned: ['Partitions whose lease this worker holds', (s) => s.partitionsOwned],
};

// Name -> [help, label, field]; each record key becomes one series.
const LABELLED_COUNTERS: Readonly<Record<string, readonly [string, string, Field<Counts>]>> = {
  sink_calls_total: ['Candle sink calls (rejected: by the breaker)', 'result', (s) => s.sinkCalls],
  dead_letters_total: ['Messages sent to sys.deadletter', 'reason', (s) => s.deadLetters],
  errors_total: ['Failures reported to the supervisor', 'kind', (s) => s.errors],
  queue_drops_total: ['Items lost to a queue overflow policy', 'queue', (s) => s.drops],
  breaker_transitions_total: [
    'Circuit breaker state changes',
    'breaker',
    (s) => s.breakerTransitions,
  ],
  reloads_total: ['Instrument registry reloads', 'result', (s) => s.reloads],
};

const LABELLED_GAUGES: Readonly<Record<string, readonly [string, string, Field<Counts>]>> = {
  queue_depth: ['Items held now by a bounded queue', 'queue', (s) => s.queueDepth],
  consumer_lag_messages: [
    'Messages pending on the tick consumer',
    'partition',
    (s) => s.consumerLag,
  ],
  breaker_state: [
    'Circuit breaker state: 0 closed, 1 open, 2 half-open',
    'breaker',
    (s) => s.breakers,
  ],
  // One series per state, 1 for the current one, so an alert can match on the label.
  connection_state: ['NATS connection state', 'state', (s) => oneHot(s.connection.status)],
};

function oneHot(status: ConnectionStatus): Counts {
  const states: Record<string, number> = {};
  for (const state of CONNECTION_STATUSES) states[state] = state === status ? 1 : 0;
  return states;
}

type Source = () => number;
type LabelledSource = () => Readonly<Record<string, number>>;

/**
 * Prometheus metrics of one worker, on a registry of its own (never prom-client's global one,
 * so two workers in one process, or a test, do not collide). Every `ballast_*` value is read
 * from the stats function inside `collect()` at scrape time: the hot path only bumps plain
 * numbers (a labelled prom-client update costs ~185 ns, per tick that adds up).
 *
 * Cumulative stats become Counters, increased by the delta since the previous scrape; when a
 * source goes backwards (a component restarted) the series is reset to the new value, which
 * Prometheus' `rate()` reads as a counter reset. Levels become Gauges.
 *
 * @example
 * const metrics = new WorkerMetrics({ stats: () => worker.stats() });
 * await using http = await startHttpEndpoint({ port: 9464, metrics, health, log });
 */
export class WorkerMetrics {
  /** The registry holding this worker's metrics; merge it with others if needed. */
  readonly registry: Registry;
  readonly counters: WorkerMetricsCounters = { scrapes: 0, scrapeFailures: 0, seriesSkipped: 0 };
  readonly #stats: () => WorkerStats;
  readonly #maxSeries: number;
  // The stats of the scrape in progress: one call of the stats function serves every metric's
  // collect(), so a scrape is a consistent snapshot. prom-client calls all collect()s
  // synchronously from registry.metrics(), so a microtask later the scrape has read them all.
  #current: { readonly stats: WorkerStats } | { readonly error: unknown } | undefined;

  /**
   * @param options - the stats function, and optionally worker id, default metrics, series cap
   * @throws {InvalidRuntimeOptionError} when the worker id is empty or the cap is not an integer >= 1
   */
  constructor(options: WorkerMetricsOptions) {
    this.#stats = options.stats;
    const maxSeries = options.maxSeriesPerMetric ?? 1000;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw new InvalidRuntimeOptionError('maxSeriesPerMetric', maxSeries, 'an integer >= 1');
    }
    this.#maxSeries = maxSeries;
    const workerId = options.workerId ?? options.stats().workerId;
    if (typeof workerId !== 'string' || workerId === '') {
      throw new InvalidRuntimeOptionError('workerId', workerId, 'a non-empty string');
    }
    this.registry = new Registry();
    this.registry.setDefaultLabels({ worker: workerId });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.#register();
  }

  /** Content-Type of {@link metrics}' text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Renders every metric in the Prometheus text format.
   *
   * @returns the exposition text
   * @throws whatever the stats function threw (counted in `counters.scrapeFailures`)
   * @example
   * res.writeHead(200, { 'Content-Type': metrics.contentType }).end(await metrics.metrics());
   */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  #snapshot(): WorkerStats {
    let current = this.#current;
    if (current === undefined) {
      try {
        current = { stats: this.#stats() };
        this.counters.scrapes++;
      } catch (error) {
        current = { error };
        this.counters.scrapeFailures++;
      }
      this.#current = current;
      queueMicrotask(() => {
        this.#current = undefined;
      });
    }
    if ('error' in current) throw current.error;
    return current.stats;
  }

  #register(): void {
    const read =
      <T>(field: (stats: WorkerStats) => T) =>
      () =>
        field(this.#snapshot());
    for (const [name, [help, field]] of Object.entries(COUNTERS)) {
      this.#counter(`ballast_${name}`, help, read(field));
    }
    for (const [name, [help, field]] of Object.entries(GAUGES)) {
      this.#gauge(`ballast_${name}`, help, read(field));
    }
    for (const [name, [help, label, field]] of Object.entries(LABELLED_COUNTERS)) {
      this.#labelledCounter(`ballast_${name}`, help, label, read(field));
    }
    for (const [name, [help, label, field]] of Object.entries(LABELLED_GAUGES)) {
      this.#labelledGauge(`ballast_${name}`, help, label, read(field));
    }
    // Last, so they include what the collect()s above counted during this scrape.
    const own = this.counters;
    this.#counter(
      'ballast_metrics_scrape_failures_total',
      'Scrapes whose stats function threw',
      () => own.scrapeFailures,
    );
    this.#counter(
      'ballast_metrics_series_skipped_total',
      'Series left out of scrapes: over the per-metric cap, or not a valid number',
      () => own.seriesSkipped,
    );
  }

  #counter(name: string, help: string, read: Source): void {
    let last = 0;
    const counter: Counter = new Counter({
      name,
      help,
      registers: [this.registry],
      collect: () => {
        const value = read();
        if (!isCount(value)) {
          this.counters.seriesSkipped++;
          return;
        }
        if (value < last) {
          counter.reset();
          last = 0;
        }
        counter.inc(value - last);
        last = value;
      },
    });
  }

  #labelledCounter(name: string, help: string, label: string, read: LabelledSource): void {
    // Last value exported per label value; keys vanish with the source's keys, and new ones are
    // admitted only below the cap, so this map is bounded by maxSeriesPerMetric.
    const lastByKey = new Map<string, number>();
    const counter: Counter<string> = new Counter({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect: () => {
        const values = read();
        for (const key of lastByKey.keys()) {
          if (!Object.hasOwn(values, key)) {
            counter.remove({ [label]: key });
            lastByKey.delete(key);
          }
        }
        for (const [key, value] of Object.entries(values)) {
          const last = lastByKey.get(key);
          if (!isCount(value) || (last === undefined && lastByKey.size >= this.#maxSeries)) {
            this.counters.seriesSkipped++;
            continue;
          }
          const labels = { [label]: key };
          let base = last ?? 0;
          if (value < base) {
            counter.remove(labels);
            base = 0;
          }
          counter.inc(labels, value - base);
          lastByKey.set(key, value);
        }
      },
    });
  }

  #gauge(name: string, help: string, read: Source): void {
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: () => {
        const value = read();
        if (Number.isFinite(value)) gauge.set(value);
        else this.counters.seriesSkipped++;
      },
    });
  }

  #labelledGauge(name: string, help: string, label: string, read: LabelledSource): void {
    const gauge: Gauge<string> = new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect: () => {
        // A level exists only while its source reports it (e.g. the lag of a partition this
        // worker still owns), so every scrape starts from no series.
        gauge.reset();
        let series = 0;
        for (const [key, value] of Object.entries(read())) {
          if (!Number.isFinite(value) || series >= this.#maxSeries) {
            this.counters.seriesSkipped++;
            continue;
          }
          gauge.set({ [label]: key }, value);
          series++;
        }
      },
    });
  }
}

function isCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
