import type { WorkerStats } from '../metrics/metricsSource.js';
import type { Worker } from './Worker.js';

/** A worker's entry in `sys.workers` (published every housekeeping period, and on request). */
export interface WorkerStatus {
  readonly v: 1;
  readonly worker: string;
  readonly at: number;
  readonly startedAt: number;
  readonly partitions: readonly number[];
  readonly liveActors: number;
  readonly retiringActors: number;
  readonly ticksFolded: number;
  readonly lag: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly connection: string;
  readonly breakers: Readonly<Record<string, number>>;
  /** Closed candles the sink breaker dropped (OPEN, or its queue full). */
  readonly sinkDropped: number;
  /** Dead letters (bad input, duplicates, too-old ticks) and errors reported since start. */
  readonly deadLetters: number;
  readonly errors: number;
  readonly httpUrl: string | null;
}

/**
 * The `sys.workers` entry of a worker: what `ballast top` and the dashboard show.
 *
 * @example
 * nc.publish('sys.workers', encodeQuery(workerStatus(worker)));
 */
export function workerStatus(worker: Worker): WorkerStatus {
  const memory = process.memoryUsage();
  let lag = 0;
  for (const consumer of worker.consumers().values()) lag += consumer.lag;
  const sink = worker.services.sink.counters;
  const reporter = worker.reporter.counters;
  return {
    v: 1,
    worker: worker.options.workerId,
    at: Date.now(),
    startedAt: worker.startedAt,
    partitions: worker.ownedPartitions(),
    liveActors: worker.host.liveActors,
    retiringActors: worker.host.retiringActors,
    ticksFolded: worker.host.counters.ticksFolded,
    lag,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    connection: worker.connection.status,
    breakers: worker.services.breakerStates(),
    sinkDropped: sink.dropped, // overflowed ones included
    deadLetters: sum(reporter.deadLetters),
    errors: sum(reporter.errors),
    httpUrl: worker.httpUrl ?? null,
  };
}

/**
 * Everything `/metrics` exports, read from the components' counters at scrape time — never on
 * the per-tick path.
 *
 * @example
 * new WorkerMetrics({ stats: () => workerStats(worker) });
 */
export function workerStats(worker: Worker): WorkerStats {
  const host = worker.host.counters;
  const writer = worker.host.writer.counters;
  const { store, replayer } = worker.stores;
  const consumerLag: Record<string, number> = {};
  let received = 0;
  const sequence = { gaps: 0, missing: 0, duplicates: 0, reordered: 0 };
  for (const [p, consumer] of worker.consumers()) {
    consumerLag[String(p)] = consumer.lag;
    received += consumer.counters.received;
    const s = consumer.sequences.counters;
    sequence.gaps += s.gaps;
    sequence.missing += s.missing;
    sequence.duplicates += s.duplicates;
    sequence.reordered += s.reordered;
  }
  const sink = worker.services.sink.counters;
  const registry = worker.services.registry.counters;
  const breakers = worker.services.breakerStates();
  return {
    workerId: worker.options.workerId,
    ticksFolded: host.ticksFolded,
    foldEvents: host.foldEvents,
    ticksReceived: received,
    replayedEvents: replayer.counters.replayedEvents,
    replays: replayer.counters.replays,
    snapshotsWritten: writer.written,
    snapshotFailures: writer.failedAttempts + writer.conflicts,
    snapshotBytes: store.counters.writtenBytes,
    liveActors: worker.host.liveActors,
    passivatedActors: host.passivated,
    hydrations: host.hydrations,
    candlesPublished: worker.host.candles.counters.published,
    candlesDropped: sink.dropped,
    sinkCalls: { ok: sink.delivered, failed: sink.failed, rejected: sink.rejected },
    deadLetters: worker.reporter.counters.deadLetters,
    errors: worker.reporter.counters.errors,
    drops: {
      sinkQueue: sink.overflowed,
      sinkBreakerOpen: sink.rejected,
      inspectRateLimited: worker.inspect.counters.rateLimited,
    },
    queueDepth: {
      sinkQueue: sink.queueDepth,
      snapshotWrites: worker.host.writer.waiting,
      passivating: worker.host.retiringActors,
    },
    consumerLag,
    partitionsOwned: worker.consumers().size,
    leaseLost: worker.leases.counters.lost,
    breakers,
    breakerTransitions: { [worker.services.sink.name]: sink.transitions },
    reloads: {
      ok: registry.reloads,
      failed: registry.reloadFailures,
      coalesced: registry.coalesced,
    },
    sequence,
    connection: { status: worker.connection.status, reconnects: worker.connection.reconnects },
    janitor: { runs: worker.janitor.counters.runs, trimmed: worker.janitor.counters.trimmed },
  };
}

function sum(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}
