/**
 * A circuit breaker's state as a number, the encoding `Breaker` of `@ballast/machines`
 * reports: 0 CLOSED, 1 OPEN, 2 HALF_OPEN. A number so a dashboard can plot it and an
 * alert can test `> 0`.
 */
export type BreakerStateCode = 0 | 1 | 2;

/** State of the worker's NATS connection, as the status iterator of nats.js reports it. */
export type ConnectionStatus = 'connected' | 'reconnecting' | 'disconnected' | 'closed';

/**
 * The plain snapshot a worker hands to {@link WorkerMetrics} on each scrape: its components'
 * `counters` copied into one object. Metrics read it in `collect()`, so nothing on the per-tick
 * path touches prom-client.
 *
 * "Cumulative" fields only ever grow while the worker runs (a decrease is read as a restart of
 * the source); the others are levels sampled at scrape time. Record keys become label values,
 * so they must come from small fixed sets (reasons, error kinds, queue names, partitions), never
 * from symbols or other data.
 *
 * @example
 * const metrics = new WorkerMetrics({
 *   stats: (): WorkerStats => ({ ...emptyWorkerStats('worker-1'), liveActors: host.size }),
 * });
 */
export interface WorkerStats {
  /** This worker's id; the `worker` label of every series. */
  readonly workerId: string;
  /** Cumulative: ticks applied to actors' state. */
  readonly ticksFolded: number;
  /** Cumulative: machine events that carried them (a symbol's ticks of one read each). */
  readonly foldEvents: number;
  /** Cumulative: tick messages taken from the consumers, folded or not. */
  readonly ticksReceived: number;
  /** Cumulative: events re-applied while hydrating actors from the tick log. */
  readonly replayedEvents: number;
  /** Cumulative: replays started (one per hydration that found events after the snapshot). */
  readonly replays: number;
  /** Cumulative: snapshots stored to KV. */
  readonly snapshotsWritten: number;
  /** Cumulative: snapshot writes that failed (conflict, timeout, server error). */
  readonly snapshotFailures: number;
  /** Cumulative: bytes of all snapshots stored. */
  readonly snapshotBytes: number;
  /** Level: symbol actors alive now. */
  readonly liveActors: number;
  /** Cumulative: actors snapshotted and stopped by LRU or idle passivation. */
  readonly passivatedActors: number;
  /** Cumulative: actors created from a snapshot and/or replay. */
  readonly hydrations: number;
  /** Cumulative: candle updates published. */
  readonly candlesPublished: number;
  /** Cumulative: candle updates dropped because the publish breaker was open. */
  readonly candlesDropped: number;
  /** Cumulative: calls into the candle sink, by outcome (`rejected` = refused by the breaker). */
  readonly sinkCalls: { readonly ok: number; readonly failed: number; readonly rejected: number };
  /** Cumulative: messages sent to `sys.deadletter`, by dead-letter reason. */
  readonly deadLetters: Readonly<Record<string, number>>;
  /** Cumulative: failures reported to the supervisor, by error kind. */
  readonly errors: Readonly<Record<string, number>>;
  /** Cumulative: items lost to the overflow policy, by bounded queue name. */
  readonly drops: Readonly<Record<string, number>>;
  /** Level: items held now, by bounded queue name. */
  readonly queueDepth: Readonly<Record<string, number>>;
  /** Level: messages pending on the consumer, by partition number (as a string). */
  readonly consumerLag: Readonly<Record<string, number>>;
  /** Level: partitions whose lease this worker holds. */
  readonly partitionsOwned: number;
  /** Cumulative: leases lost (expired or taken over) while this worker held them. */
  readonly leaseLost: number;
  /** Level: state of each circuit breaker, by breaker name. */
  readonly breakers: Readonly<Record<string, BreakerStateCode>>;
  /** Cumulative: state changes of each circuit breaker, by breaker name. */
  readonly breakerTransitions: Readonly<Record<string, number>>;
  /** Cumulative: instrument-registry reloads, by outcome (`coalesced` = merged into another). */
  readonly reloads: { readonly ok: number; readonly failed: number; readonly coalesced: number };
  /** Cumulative: sequence anomalies seen on the tick consumers. */
  readonly sequence: {
    /** Gaps detected (one per jump in the sequence). */
    readonly gaps: number;
    /** Messages missing inside those gaps. */
    readonly missing: number;
    readonly duplicates: number;
    readonly reordered: number;
  };
  /** Level `status`, cumulative `reconnects` of the NATS connection. */
  readonly connection: { readonly status: ConnectionStatus; readonly reconnects: number };
  /** Cumulative: janitor runs and items they trimmed (see `Janitor.counters`). */
  readonly janitor: { readonly runs: number; readonly trimmed: number };
}

/**
 * A {@link WorkerStats} with every number zero and every record empty, for a worker to start
 * from and for tests.
 *
 * @param workerId - the worker's id
 * @returns a fresh object; nothing is shared between calls
 * @example
 * const stats = { ...emptyWorkerStats('w1'), ticksFolded: 10 };
 */
export function emptyWorkerStats(workerId: string): WorkerStats {
  return {
    workerId,
    ticksFolded: 0,
    foldEvents: 0,
    ticksReceived: 0,
    replayedEvents: 0,
    replays: 0,
    snapshotsWritten: 0,
    snapshotFailures: 0,
    snapshotBytes: 0,
    liveActors: 0,
    passivatedActors: 0,
    hydrations: 0,
    candlesPublished: 0,
    candlesDropped: 0,
    sinkCalls: { ok: 0, failed: 0, rejected: 0 },
    deadLetters: {},
    errors: {},
    drops: {},
    queueDepth: {},
    consumerLag: {},
    partitionsOwned: 0,
    leaseLost: 0,
    breakers: {},
    breakerTransitions: {},
    reloads: { ok: 0, failed: 0, coalesced: 0 },
    sequence: { gaps: 0, missing: 0, duplicates: 0, reordered: 0 },
    connection: { status: 'disconnected', reconnects: 0 },
    janitor: { runs: 0, trimmed: 0 },
  };
}
