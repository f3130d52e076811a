import type { WorkersRound } from './requestWorkers.js';

/** One worker's line in `ballast top`. */
export interface TopWorkerRow {
  readonly worker: string;
  /** The worker's clock when it answered, ms since the epoch. */
  readonly at: number;
  readonly uptimeMs: number;
  readonly partitions: readonly number[];
  readonly liveActors: number;
  /** Passivated actors still waiting for their final snapshot. */
  readonly passivating: number;
  readonly ticksFolded: number;
  /** Ticks folded per second since the previous sample; `null` on the first or after a restart. */
  readonly ticksPerSec: number | null;
  /** Messages behind the log's end, summed over the worker's partitions. */
  readonly lag: number;
  readonly rss: number;
  readonly heapUsed: number;
  /** Breaker state by name: 0 closed, 1 open, 2 half-open. */
  readonly breakers: Readonly<Record<string, number>>;
  /** `null` when the worker does not report it (an older version). */
  readonly sinkDropped: number | null;
  readonly deadLetters: number | null;
  readonly errors: number | null;
  readonly connection: string;
}

/** Sums over every worker of a sample. */
interface TopTotals {
  readonly workers: number;
  readonly partitions: number;
  /** Partitions two workers claim at once: must stay empty (a lease hand-over in flight at most). */
  readonly contested: readonly number[];
  readonly liveActors: number;
  readonly passivating: number;
  readonly ticksFolded: number;
  readonly ticksPerSec: number | null;
  readonly lag: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly sinkDropped: number;
  readonly deadLetters: number;
  readonly errors: number;
  /** Breakers not closed, as `worker/name`. */
  readonly breakersNotClosed: readonly string[];
}

/** A line seen on `sys.errors` or `sys.deadletter`. */
export interface TopRecentLine {
  readonly at: number;
  readonly subject: 'sys.errors' | 'sys.deadletter';
  readonly source: string;
  readonly code: string;
  readonly message: string;
}

/** What `ballast top` shows at one moment; also its `--json` line. */
export interface TopSample {
  readonly v: 1;
  /** When the sample was taken (this process's clock). */
  readonly at: number;
  readonly workers: readonly TopWorkerRow[];
  readonly totals: TopTotals;
  /** The newest lines from `sys.errors` / `sys.deadletter`, oldest first. */
  readonly recent: readonly TopRecentLine[];
  /** Lines seen since `top` started, including those no longer kept; `undecodable` also counts subscription errors. */
  readonly seen: {
    readonly errors: number;
    readonly deadLetters: number;
    readonly undecodable: number;
  };
  /** Replies on `sys.workers` that were not a worker status, or beyond the bound. */
  readonly badReplies: number;
}

/**
 * Builds a sample from one `sys.workers` round: rates are the difference to the previous
 * sample of the same worker over the worker's own clock, so a slow round trip does not skew
 * them. Pure: `ballast top` and its tests call it the same way.
 *
 * @param previous - the previous sample, or `null` for the first
 * @example
 * const sample = buildTopSample(await requestWorkers(nc), previous, feed.recent(), feed.seen, Date.now());
 */
export function buildTopSample(
  round: WorkersRound,
  previous: TopSample | null,
  recent: readonly TopRecentLine[],
  seen: TopSample['seen'],
  at: number,
): TopSample {
  const before = new Map(previous?.workers.map((row) => [row.worker, row]));
  const workers = round.workers.map((status): TopWorkerRow => {
    const prior = before.get(status.worker);
    return {
      worker: status.worker,
      at: status.at,
      uptimeMs: Math.max(0, status.at - status.startedAt),
      partitions: [...status.partitions].sort((a, b) => a - b),
      liveActors: status.liveActors,
      passivating: status.retiringActors,
      ticksFolded: status.ticksFolded,
      ticksPerSec: rate(prior, status.ticksFolded, status.at),
      lag: status.lag,
      rss: status.rss,
      heapUsed: status.heapUsed,
      breakers: { ...status.breakers },
      sinkDropped: status.sinkDropped ?? null,
      deadLetters: status.deadLetters ?? null,
      errors: status.errors ?? null,
      connection: status.connection,
    };
  });
  return {
    v: 1,
    at,
    workers,
    totals: totalsOf(workers),
    recent,
    seen,
    badReplies: round.invalid + round.extra,
  };
}

function rate(prior: TopWorkerRow | undefined, folded: number, at: number): number | null {
  // A counter that went down is a restarted worker: no rate until the next sample.
  if (prior === undefined || at <= prior.at || folded < prior.ticksFolded) return null;
  return ((folded - prior.ticksFolded) * 1_000) / (at - prior.at);
}

function totalsOf(workers: readonly TopWorkerRow[]): TopTotals {
  const owners = new Map<number, number>();
  const breakersNotClosed: string[] = [];
  let rates: number | null = null;
  const sum = (pick: (row: TopWorkerRow) => number | null): number =>
    workers.reduce((total, row) => total + (pick(row) ?? 0), 0);
  for (const row of workers) {
    for (const p of row.partitions) owners.set(p, (owners.get(p) ?? 0) + 1);
    for (const [name, state] of Object.entries(row.breakers)) {
      if (state !== 0) breakersNotClosed.push(`${row.worker}/${name}`);
    }
    if (row.ticksPerSec !== null) rates = (rates ?? 0) + row.ticksPerSec;
  }
  const contested = [...owners].filter(([, n]) => n > 1).map(([p]) => p);
  return {
    workers: workers.length,
    partitions: owners.size,
    contested: contested.sort((a, b) => a - b),
    liveActors: sum((row) => row.liveActors),
    passivating: sum((row) => row.passivating),
    ticksFolded: sum((row) => row.ticksFolded),
    ticksPerSec: rates,
    lag: sum((row) => row.lag),
    rss: sum((row) => row.rss),
    heapUsed: sum((row) => row.heapUsed),
    sinkDropped: sum((row) => row.sinkDropped),
    deadLetters: sum((row) => row.deadLetters),
    errors: sum((row) => row.errors),
    breakersNotClosed,
  };
}
