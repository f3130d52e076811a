import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LineFit, slopeAfterWarmup, type XY } from './leastSquares.js';
import { readRss } from './procStatus.js';
import { type NaiveRun, runNaiveFold } from './runNaiveFold.js';
import { type ClusterProcess, type ClusterStop, SoakCluster } from './SoakCluster.js';
import { scrapeCounters } from './scrapeCounters.js';
import { WorkerAnnouncements } from './WorkerAnnouncements.js';

/** What a soak runs. */
export interface SoakOptions {
  readonly minutes: number;
  /** Symbols the feed simulates: far more than `maxLive × workers`, so they churn. */
  readonly symbols: number;
  readonly rate: number;
  /** Live actors per worker before LRU passivation. */
  readonly maxLive: number;
  readonly workers: number;
  readonly seed: number;
  /** Time between two samples of every process. */
  readonly sampleEveryMs: number;
  /** Fraction of the run (from its start) left out of the slope. */
  readonly warmupFraction: number;
  /** Wall time of the naive fold after the cluster stopped; 0 skips it. */
  readonly naiveSeconds: number;
  /** RSS at which the naive fold is killed. */
  readonly naiveRssLimitBytes: number;
  /** Data dir of `ballast up`; default a fresh temp dir, removed afterwards. */
  readonly dataDir?: string;
  /** A line now and then while it runs (progress). */
  readonly log?: (line: string) => void;
}

/** One sample of one process. */
export interface ProcessSample {
  /** Since the cluster was up. */
  readonly seconds: number;
  readonly rss: number;
  /** Workers: `heapUsed` of their latest `sys.workers` announcement. */
  readonly heapUsed?: number;
  readonly liveActors?: number;
  /** Workers: ticks all workers folded so far, from their latest announcements. */
  readonly ticksFolded?: number;
}

/** The samples of one process of the cluster (by name: a restarted worker keeps its series). */
export interface ProcessSeries {
  readonly name: string;
  readonly role: ClusterProcess['role'];
  readonly samples: ProcessSample[];
  /** Pids it had after the first: restarts after a crash. */
  restarts: number;
}

/** A worker's memory trend after warm-up, in MiB per hour. */
export interface WorkerTrend {
  readonly name: string;
  readonly rss: LineFit;
  readonly heap: LineFit;
  /** Most live actors it announced. */
  readonly maxLiveActors: number;
  /** From its `/metrics` at the end (NaN when unreadable): the churn the soak caused. */
  readonly hydrations: number;
  readonly passivations: number;
}

/** The naive fold's growth, fitted against the ticks it folded. */
export interface NaiveTrend {
  readonly run: NaiveRun;
  /** RSS (MiB) against ticks folded (millions), after warm-up. */
  readonly rssPerMillionTicks: LineFit;
  readonly heapPerMillionTicks: LineFit;
  /**
   * Ticks per second the workers actually folded during the soak: on a busy machine less than
   * the feed's `rate`. Growth per hour is compared at this rate — the same ticks per hour.
   */
  readonly foldRate: number;
  /** RSS growth in MiB per hour at {@link NaiveTrend.foldRate}. */
  readonly rssMibPerHour: number;
  readonly heapMibPerHour: number;
  /** RSS growth in MiB per hour of the feed at its nominal `rate`. */
  readonly rssMibPerFeedHour: number;
}

/** Everything a soak measured. */
export interface SoakResult {
  readonly options: Omit<SoakOptions, 'log'>;
  readonly startedAt: string;
  /** Sampled wall time. */
  readonly seconds: number;
  readonly series: readonly ProcessSeries[];
  readonly workers: readonly WorkerTrend[];
  /** Ticks all workers folded, from their last announcements. */
  readonly ticksFolded: number;
  readonly stop: ClusterStop;
  readonly naive: NaiveTrend | null;
}

/** Samples kept per process at most: 30 h at one per 5 s. */
const maxSamplesPerProcess = 20_000;
const MiB = 1024 * 1024;

/**
 * The soak: runs `ballast up` with the feed at a fixed rate over many more symbols than the
 * workers may keep live, samples every process's RSS from `/proc` (and each worker's heap and
 * live actors from `sys.workers`) for `minutes`, stops the cluster with SIGINT and checks that
 * nothing is left; then runs the naive fold of the same feed for comparison.
 *
 * @example
 * const result = await runSoak({ ...soakDefaults, minutes: 30 });
 * result.workers[0]?.rss.slope; // MiB per hour after warm-up
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'ballast-soak-')));
  const startedAt = new Date().toISOString();
  try {
    log(
      `soak: ballast up --symbols ${options.symbols} --rate ${options.rate} --max-live ${options.maxLive} --workers ${options.workers} (data ${dataDir})`,
    );
    await using cluster = await SoakCluster.start({
      dataDir,
      symbols: options.symbols,
      rate: options.rate,
      maxLive: options.maxLive,
      workers: options.workers,
      seed: options.seed,
    });
    await using announcements = await WorkerAnnouncements.connect(cluster.natsUrls, dataDir);
    const series = new Map<string, ProcessSeries & { pid: number }>();
    const began = performance.now();
    const endAt = began + options.minutes * 60_000;
    let nextLog = began + 60_000;
    while (performance.now() < endAt) {
      const seconds = (performance.now() - began) / 1_000;
      sample(cluster.processes(), announcements, series, seconds);
      if (performance.now() >= nextLog) {
        nextLog += 60_000;
        log(`soak: ${progressLine(series, announcements, seconds)}`);
      }
      await sleep(Math.max(0, Math.min(options.sampleEveryMs, endAt - performance.now())));
    }
    const seconds = (performance.now() - began) / 1_000;
    sample(cluster.processes(), announcements, series, seconds);
    const ticksFolded = announcements.ticksFolded();
    const maxLive = announcements.maxLiveActors();
    const churn = await churnCounters(announcements);
    await announcements[Symbol.asyncDispose]();
    log('soak: stopping the cluster (SIGINT)');
    const stop = await cluster.stop();
    log(
      `soak: ballast up exited ${stop.exitCode ?? stop.signal} in ${stop.seconds.toFixed(1)} s, ${stop.leftovers.length} processes left`,
    );
    const all = [...series.values()].map(({ pid: _, ...s }) => s);
    const workers = all
      .filter((s) => s.role === 'worker')
      .map((s) => ({
        ...workerTrend(s, options.warmupFraction, maxLive.get(s.name) ?? 0),
        hydrations: churn.get(s.name)?.get('hydrations_total') ?? Number.NaN,
        passivations: churn.get(s.name)?.get('passivated_actors_total') ?? Number.NaN,
      }));
    let naive: NaiveTrend | null = null;
    if (options.naiveSeconds > 0) {
      log(`soak: naive fold of the same feed for up to ${options.naiveSeconds} s`);
      const run = await runNaiveFold({
        symbols: options.symbols,
        seed: options.seed,
        rate: options.rate,
        seconds: options.naiveSeconds,
        rssLimitBytes: options.naiveRssLimitBytes,
      });
      const foldRate = seconds > 0 ? ticksFolded / seconds : 0;
      naive = naiveTrend(run, foldRate, options.rate, options.warmupFraction);
    }
    const { log: _, ...kept } = options;
    return { options: kept, startedAt, seconds, series: all, workers, ticksFolded, stop, naive };
  } finally {
    if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

function sample(
  processes: readonly ClusterProcess[],
  announcements: WorkerAnnouncements,
  series: Map<string, ProcessSeries & { pid: number }>,
  seconds: number,
): void {
  const latest = announcements.latest();
  const ticksFolded = announcements.ticksFolded();
  for (const p of processes) {
    const rss = readRss(p.pid);
    if (rss === null) continue;
    let s = series.get(p.name);
    if (s === undefined) {
      s = { name: p.name, role: p.role, pid: p.pid, samples: [], restarts: 0 };
      series.set(p.name, s);
    } else if (s.pid !== p.pid) {
      s.pid = p.pid;
      s.restarts++;
    }
    if (s.samples.length >= maxSamplesPerProcess) continue;
    const status = p.role === 'worker' ? latest.get(p.name) : undefined;
    s.samples.push({
      seconds,
      rss,
      ...(status && { heapUsed: status.heapUsed, liveActors: status.liveActors, ticksFolded }),
    });
  }
}

/** Each worker's hydration and passivation counters, read from its /metrics. */
async function churnCounters(
  announcements: WorkerAnnouncements,
): Promise<Map<string, Map<string, number>>> {
  const churn = new Map<string, Map<string, number>>();
  for (const [worker, status] of announcements.latest()) {
    if (status.httpUrl === null) continue;
    try {
      churn.set(
        worker,
        await scrapeCounters(status.httpUrl, ['hydrations_total', 'passivated_actors_total']),
      );
    } catch {
      // Left out: the figures say NaN rather than the soak failing on a scrape.
    }
  }
  return churn;
}

function workerTrend(
  s: ProcessSeries,
  warmup: number,
  maxLiveActors: number,
): Omit<WorkerTrend, 'hydrations' | 'passivations'> {
  const hours = (sample: ProcessSample) => sample.seconds / 3_600;
  const rss: XY[] = s.samples.map((p) => ({ x: hours(p), y: p.rss / MiB }));
  const heap: XY[] = s.samples.flatMap((p) =>
    p.heapUsed === undefined ? [] : [{ x: hours(p), y: p.heapUsed / MiB }],
  );
  return {
    name: s.name,
    rss: slopeAfterWarmup(rss, warmup),
    heap: slopeAfterWarmup(heap, warmup),
    maxLiveActors,
  };
}

function naiveTrend(run: NaiveRun, foldRate: number, rate: number, warmup: number): NaiveTrend {
  const millionsPerHour = (perSecond: number) => (perSecond * 3_600) / 1e6;
  const rssFit = slopeAfterWarmup(
    run.samples.map((s) => ({ x: s.ticks / 1e6, y: s.rss / MiB })),
    warmup,
  );
  const heapFit = slopeAfterWarmup(
    run.samples.map((s) => ({ x: s.ticks / 1e6, y: s.heapUsed / MiB })),
    warmup,
  );
  return {
    run,
    rssPerMillionTicks: rssFit,
    heapPerMillionTicks: heapFit,
    foldRate,
    rssMibPerHour: rssFit.slope * millionsPerHour(foldRate),
    heapMibPerHour: heapFit.slope * millionsPerHour(foldRate),
    rssMibPerFeedHour: rssFit.slope * millionsPerHour(rate),
  };
}

function progressLine(
  series: ReadonlyMap<string, ProcessSeries>,
  announcements: WorkerAnnouncements,
  seconds: number,
): string {
  const parts = [...series.values()]
    .filter((s) => s.role === 'worker')
    .map((s) => {
      const last = s.samples[s.samples.length - 1];
      return `${s.name} rss ${((last?.rss ?? 0) / MiB).toFixed(0)} MiB heap ${((last?.heapUsed ?? 0) / MiB).toFixed(0)} MiB live ${last?.liveActors ?? '?'}`;
    });
  return `${(seconds / 60).toFixed(1)} min, ${announcements.ticksFolded()} ticks folded; ${parts.join('; ')}`;
}
