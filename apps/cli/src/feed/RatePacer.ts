/** Periodic bursts: from `everyMs` on, every `everyMs` the rate is multiplied by `factor` for `lengthMs`. */
export interface BurstSchedule {
  readonly everyMs: number;
  /** Must be shorter than `everyMs`. */
  readonly lengthMs: number;
  /** Rate multiplier during a burst, > 0 (below 1 makes lulls). */
  readonly factor: number;
}

/** Options of {@link RatePacer}. */
export interface RatePacerOptions {
  /** Target rate, ticks per second, > 0. */
  readonly rate: number;
  readonly burst?: BurstSchedule | undefined;
  /** A monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /** Most ticks one {@link RatePacer.take} hands out, so the caller re-checks often. Default 1,024. */
  readonly maxBatch?: number;
  /**
   * How far behind the schedule the caller may fall before the oldest due ticks are skipped
   * (counted in `skipped`), so a stall is not followed by an unbounded catch-up burst.
   * Default 1,000 ms of ticks at the current rate.
   */
  readonly maxBehindMs?: number;
}

/** Totals since construction. */
export interface RatePacerCounters {
  /** Ticks handed out by `take`. */
  emitted: number;
  /** Ticks the schedule called for that were dropped because the caller fell too far behind. */
  skipped: number;
}

/** Longest wait {@link RatePacer.delayMs} suggests, so a caller notices a stop request soon. */
const maxDelayMs = 250;

/**
 * Paces a producer at a target rate with optional bursts, without drift: the number of ticks
 * due is the integral of the rate from the start to now on a monotonic clock, so late timers
 * and slow batches are made up on the next call instead of accumulating as error. Ticks come
 * in batches (`take` returns how many are due), so high rates need one timer per batch, not
 * per tick.
 *
 * @example
 * const pacer = new RatePacer({ rate: 1_000, burst: { everyMs: 10_000, lengthMs: 2_000, factor: 5 } });
 * for (;;) {
 *   const n = pacer.take();
 *   for (let i = 0; i < n; i++) await publish(sim.next(Date.now()));
 *   if (n === 0) await sleep(Math.max(5, pacer.delayMs()));
 * }
 */
export class RatePacer {
  readonly counters: RatePacerCounters = { emitted: 0, skipped: 0 };
  /** Ticks per ms. */
  readonly #rate: number;
  readonly #burst: BurstSchedule | undefined;
  readonly #now: () => number;
  readonly #start: number;
  readonly #maxBatch: number;
  readonly #maxBehindMs: number;

  /** @throws {RangeError} naming the option that is out of range */
  constructor(options: RatePacerOptions) {
    const { rate, burst } = options;
    if (!(rate > 0 && rate < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`rate must be a finite number > 0, got ${rate}`);
    }
    if (burst !== undefined) {
      const { everyMs, lengthMs, factor } = burst;
      if (!(everyMs > 0 && everyMs < Number.POSITIVE_INFINITY)) {
        throw new RangeError(`burst.everyMs must be a finite number > 0, got ${everyMs}`);
      }
      if (!(lengthMs > 0 && lengthMs < everyMs)) {
        throw new RangeError(
          `burst.lengthMs must be > 0 and < everyMs (${everyMs}), got ${lengthMs}`,
        );
      }
      if (!(factor > 0 && factor < Number.POSITIVE_INFINITY)) {
        throw new RangeError(`burst.factor must be a finite number > 0, got ${factor}`);
      }
    }
    this.#rate = rate / 1_000;
    this.#burst = burst;
    this.#now = options.now ?? (() => performance.now());
    this.#maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 1_024));
    this.#maxBehindMs = options.maxBehindMs ?? 1_000;
    this.#start = this.#now();
  }

  /**
   * How many ticks are due now (at most `maxBatch`); they count as emitted.
   *
   * @example
   * const n = pacer.take();
   */
  take(): number {
    const elapsed = this.#now() - this.#start;
    const counters = this.counters;
    let backlog = Math.floor(this.#dueBy(elapsed)) - counters.emitted - counters.skipped;
    if (backlog <= 0) return 0;
    const allowed = Math.max(
      this.#maxBatch,
      Math.ceil(this.#maxBehindMs * this.#rate * this.#factorAt(elapsed)),
    );
    if (backlog > allowed) {
      counters.skipped += backlog - allowed;
      backlog = allowed;
    }
    const n = Math.min(backlog, this.#maxBatch);
    counters.emitted += n;
    return n;
  }

  /**
   * Ms until the next tick is due (0 when one is due now), at most 250.
   *
   * @example
   * if (pacer.take() === 0) await sleep(Math.max(5, pacer.delayMs()));
   */
  delayMs(): number {
    const elapsed = this.#now() - this.#start;
    const target = this.counters.emitted + this.counters.skipped + 1;
    let t = elapsed;
    let due = this.#dueBy(t);
    if (due >= target) return 0;
    // Walk the piecewise-linear schedule segment by segment up to the cap.
    while (t - elapsed < maxDelayMs) {
      const rate = this.#rate * this.#factorAt(t);
      const boundary = this.#nextBoundary(t);
      const dueAtBoundary = due + rate * (boundary - t);
      if (dueAtBoundary >= target) return Math.min(maxDelayMs, t + (target - due) / rate - elapsed);
      t = boundary;
      due = dueAtBoundary;
    }
    return maxDelayMs;
  }

  /**
   * The scheduled rate at this moment, ticks per second (the base rate times the burst factor
   * during a burst).
   *
   * @example
   * pacer.currentRate(); // 5000 during a 5x burst of a 1000/s feed
   */
  currentRate(): number {
    return this.#rate * 1_000 * this.#factorAt(this.#now() - this.#start);
  }

  /** Ticks due `elapsed` ms after the start: the integral of the rate, fractional. */
  #dueBy(elapsed: number): number {
    const burst = this.#burst;
    if (burst === undefined) return this.#rate * elapsed;
    return this.#rate * (elapsed + (burst.factor - 1) * burstTime(burst, elapsed));
  }

  #factorAt(elapsed: number): number {
    const burst = this.#burst;
    if (burst === undefined || elapsed < burst.everyMs) return 1;
    return elapsed % burst.everyMs < burst.lengthMs ? burst.factor : 1;
  }

  /** The next time after `elapsed` at which the rate changes. */
  #nextBoundary(elapsed: number): number {
    const burst = this.#burst;
    if (burst === undefined) return Number.POSITIVE_INFINITY;
    const cycle = Math.floor(elapsed / burst.everyMs);
    const phase = elapsed - cycle * burst.everyMs;
    if (cycle >= 1 && phase < burst.lengthMs) return cycle * burst.everyMs + burst.lengthMs;
    return (cycle + 1) * burst.everyMs;
  }
}

/** Time spent in bursts during [0, elapsed]: bursts are [k·every, k·every + length) for k >= 1. */
function burstTime(burst: BurstSchedule, elapsed: number): number {
  const cycles = Math.floor(elapsed / burst.everyMs);
  if (cycles === 0) return 0;
  return (cycles - 1) * burst.lengthMs + Math.min(elapsed - cycles * burst.everyMs, burst.lengthMs);
}
