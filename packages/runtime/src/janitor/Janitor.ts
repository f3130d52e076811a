import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type MemorySample, memoryUsage } from './memoryUsage.js';

/**
 * One job of the {@link Janitor}: enforce a bound or drop expired entries, and say how many
 * items it trimmed. Bounds are enforced at insert; a task re-checks them and clears what only
 * ages out (expired instruments, idle records), so a non-zero count on a bound is a bug report.
 *
 * @example
 * const task: JanitorTask = { name: 'instruments', run: () => registry.removeExpired(clock.now()) };
 */
export interface JanitorTask {
  /** Unique among the janitor's tasks; the key of its count in reports and logs. */
  readonly name: string;
  /** Returns how many items it trimmed or evicted, an integer >= 0. */
  run(): number | Promise<number>;
}

/** Options of {@link Janitor}. */
export interface JanitorOptions {
  /** Time between runs; default 60 000. The first run is at `start()`. */
  readonly intervalMs?: number;
  /** Run one after another, in this order, on every run. */
  readonly tasks: readonly JanitorTask[];
  readonly log: Logger;
  /** Memory sampler for the report; default {@link memoryUsage} of this process. */
  readonly memory?: () => MemorySample;
  /** Wall clock for the report's `startedAt` and `durationMs`; default `Date.now`. */
  readonly now?: () => number;
}

/** What one janitor run did. */
export interface JanitorReport {
  /** 1 for the first run of this janitor, then 2, 3, ... */
  readonly run: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly before: MemorySample;
  readonly after: MemorySample;
  /** Items trimmed, by task name; tasks that failed are absent (see `failed`). */
  readonly trimmed: Readonly<Record<string, number>>;
  readonly trimmedTotal: number;
  /** Names of the tasks that threw or returned something other than a count. */
  readonly failed: readonly string[];
}

/** Counters of a {@link Janitor}, read by metrics. */
export interface JanitorCounters {
  /** Runs completed (a run with failed tasks still counts). */
  runs: number;
  /** Items trimmed by all tasks of all runs. */
  trimmed: number;
  /** Task failures, plus runs that failed outright (the memory sampler threw). */
  failures: number;
  /** Interval ticks that found the previous run still going and did not start another. */
  skipped: number;
}

/**
 * Runs housekeeping tasks at start and then every interval, and logs one structured line per
 * run: RSS and heap before and after, and what each task trimmed. A task that throws is logged
 * and counted and the others still run. Runs never overlap: an interval tick during a slow run
 * is skipped and counted, so a stuck task shows up in `counters.skipped` instead of piling up.
 *
 * @example
 * const janitor = new Janitor({
 *   tasks: [{ name: 'instruments', run: () => instruments.removeExpired() }],
 *   log,
 * });
 * janitor.start();
 * // ... on shutdown
 * await janitor.stop();
 */
export class Janitor implements AsyncDisposable {
  readonly intervalMs: number;
  readonly counters: JanitorCounters = { runs: 0, trimmed: 0, failures: 0, skipped: 0 };
  readonly #tasks: readonly JanitorTask[];
  readonly #log: Logger;
  readonly #memory: () => MemorySample;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight: Promise<JanitorReport> | undefined;
  #lastReport: JanitorReport | undefined;

  /**
   * @param options - tasks, logger, and optionally interval, memory sampler, clock
   * @throws {InvalidRuntimeOptionError} when the interval is not an integer in 1..2^31-1 or
   *   task names are empty or repeated
   */
  constructor(options: JanitorOptions) {
    const intervalMs = options.intervalMs ?? 60_000;
    // setInterval treats delays above 2^31-1 ms as 1 ms, which would turn a janitor into a spin.
    if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > 2_147_483_647) {
      throw new InvalidRuntimeOptionError('intervalMs', intervalMs, 'an integer in 1..2147483647');
    }
    const names = new Set<string>();
    for (const task of options.tasks) {
      if (typeof task.name !== 'string' || task.name === '' || names.has(task.name)) {
        throw new InvalidRuntimeOptionError('tasks[].name', task.name, 'unique non-empty names');
      }
      names.add(task.name);
    }
    this.intervalMs = intervalMs;
    this.#tasks = [...options.tasks];
    this.#log = options.log;
    this.#memory = options.memory ?? memoryUsage;
    this.#now = options.now ?? Date.now;
  }

  /** The report of the last completed run, if any. */
  get lastReport(): JanitorReport | undefined {
    return this.#lastReport;
  }

  /** Whether `start()` was called and `stop()` not since. */
  get started(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Runs the tasks now, then every `intervalMs`. The timer is unref'd: it never keeps the
   * process alive. Calling it again while started does nothing.
   *
   * @example
   * janitor.start();
   */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.intervalMs);
    this.#timer.unref();
    this.#tick();
  }

  /**
   * Runs every task once, one after another. If a run is in progress, returns that run's
   * report instead of starting a second one alongside it.
   *
   * @returns the run's report (also kept as `lastReport`)
   * @throws whatever the memory sampler threw (logged and counted); task errors never reject it
   * @example
   * const { trimmedTotal } = await janitor.runNow();
   */
  runNow(): Promise<JanitorReport> {
    this.#inFlight ??= this.#run()
      .catch((error: unknown) => {
        this.counters.failures++;
        this.#log.error({ err: error }, 'janitor run failed');
        throw error;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /**
   * Stops the timer and waits for a run in progress to finish. `start()` may be called again.
   *
   * @example
   * await janitor.stop();
   */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    // Its failure, if any, was logged and counted by runNow(); only its end matters here.
    await this.#inFlight?.catch(() => undefined);
  }

  /** Same as {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #tick(): void {
    if (this.#inFlight !== undefined) {
      this.counters.skipped++;
      this.#log.warn(
        { intervalMs: this.intervalMs, skipped: this.counters.skipped },
        'janitor run skipped: the previous run is still going',
      );
      return;
    }
    // runNow() logged and counted a failure already; nothing is left to report here.
    this.runNow().catch(() => undefined);
  }

  async #run(): Promise<JanitorReport> {
    const startedAt = this.#now();
    const before = this.#memory();
    const trimmed: Record<string, number> = {};
    const failed: string[] = [];
    let trimmedTotal = 0;
    for (const task of this.#tasks) {
      try {
        const count = await task.run();
        if (!Number.isInteger(count) || count < 0) {
          throw new TypeError(
            `janitor task ${task.name} returned ${String(count)}; it must return the number ` +
              'of items it trimmed, an integer >= 0',
          );
        }
        trimmed[task.name] = count;
        trimmedTotal += count;
      } catch (error) {
        failed.push(task.name);
        this.counters.failures++;
        this.#log.error({ err: error, task: task.name }, 'janitor task failed');
      }
    }
    // Counted before sampling again: the trimming happened even if the sampler now throws.
    this.counters.runs++;
    this.counters.trimmed += trimmedTotal;
    const after = this.#memory();
    const report: JanitorReport = {
      run: this.counters.runs,
      startedAt,
      durationMs: this.#now() - startedAt,
      before,
      after,
      trimmed,
      trimmedTotal,
      failed,
    };
    this.#lastReport = report;
    this.#log.info(
      {
        run: report.run,
        durationMs: report.durationMs,
        rssBefore: before.rss,
        rssAfter: after.rss,
        heapUsedBefore: before.heapUsed,
        heapUsedAfter: after.heapUsed,
        trimmed,
        trimmedTotal,
        failed,
      },
      'janitor run',
    );
    return report;
  }
}
