import { numberOption } from '../options.js';
import { TimeBuckets, type UsageSlice } from './TimeBuckets.js';

/** Options of {@link UsageTracker}. */
export interface UsageTrackerOptions {
  /** Clock in ms (inject a fake in tests). */
  readonly now: () => number;
  /** Per-minute slices kept. Default 60 (one hour). */
  readonly minutes?: number;
  /** Per-hour slices kept. Default 48 (two days). */
  readonly hours?: number;
  /** Distinct keys tracked; further keys are summed under `'(other)'`. Default 100. */
  readonly maxKeys?: number;
}

/** Usage to add: how many operations and what they cost (in any unit, e.g. USD or credits). */
export interface Usage {
  readonly count?: number;
  readonly cost?: number;
}

/** Totals over a span. */
export interface UsageTotals {
  readonly count: number;
  readonly cost: number;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;

/**
 * Cost and usage per key (e.g. per data vendor) rolled up into fixed time slices: per minute
 * for the last hour and per hour for the last two days by default. Memory is
 * keys × (minutes + hours) × 24 bytes — about 260 KB at the defaults, never a growing list.
 * Pure: the clock is injected.
 *
 * @example
 * const usage = new UsageTracker({ now: () => Date.now() });
 * usage.record('vendor:kaiko', { count: 1, cost: 0.002 });
 * usage.total('vendor:kaiko', 3_600_000); // { count: 1, cost: 0.002 }
 */
export class UsageTracker {
  static readonly otherKey = '(other)';
  readonly #now: () => number;
  readonly #minutes: number;
  readonly #hours: number;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, { minutes: TimeBuckets; hours: TimeBuckets }>();
  #overflowed = 0;

  constructor(options: UsageTrackerOptions) {
    this.#now = options.now;
    this.#minutes = numberOption('minutes', options.minutes, 60, { min: 1, integer: true });
    this.#hours = numberOption('hours', options.hours, 48, { min: 1, integer: true });
    this.#maxKeys = numberOption('maxKeys', options.maxKeys, 100, { min: 1, integer: true });
  }

  /** Adds usage to `key` at the current time; returns the key it was counted under. */
  record(key: string, usage: Usage = {}): string {
    let counted = key;
    let slices = this.#keys.get(key);
    if (!slices) {
      // maxKeys named keys at most; anything beyond is summed under the one '(other)' entry.
      const named = this.#keys.size - (this.#keys.has(UsageTracker.otherKey) ? 1 : 0);
      if (named >= this.#maxKeys) {
        counted = UsageTracker.otherKey;
        this.#overflowed++;
      }
      slices = this.#keys.get(counted) ?? this.#add(counted);
    }
    const now = this.#now();
    const count = usage.count ?? 1;
    const cost = usage.cost ?? 0;
    slices.minutes.add(now, count, cost);
    slices.hours.add(now, count, cost);
    return counted;
  }

  /**
   * Totals of `key` (or of every key) over the last `spanMs`: minute resolution up to the
   * minute window, hour resolution beyond it (whole slices either way).
   */
  total(key: string | undefined, spanMs: number): UsageTotals {
    const now = this.#now();
    const useMinutes = spanMs <= this.#minutes * minuteMs;
    let count = 0;
    let cost = 0;
    for (const [name, slices] of this.#keys) {
      if (key !== undefined && name !== key) continue;
      const sum = (useMinutes ? slices.minutes : slices.hours).sum(now, spanMs);
      count += sum.count;
      cost += sum.cost;
    }
    return { count, cost };
  }

  /** Every slice of `key` at the given resolution, oldest first (empty slices included). */
  series(key: string, resolution: 'minute' | 'hour'): UsageSlice[] {
    const now = this.#now();
    const slices = this.#keys.get(key) ?? this.#emptySlices();
    return (resolution === 'minute' ? slices.minutes : slices.hours).series(now);
  }

  /** Keys being tracked (at most `maxKeys`, plus `'(other)'`). */
  keys(): string[] {
    return [...this.#keys.keys()];
  }

  /** Records counted under `'(other)'` because `maxKeys` was reached. */
  get overflowed(): number {
    return this.#overflowed;
  }

  #add(key: string): { minutes: TimeBuckets; hours: TimeBuckets } {
    const slices = this.#emptySlices();
    this.#keys.set(key, slices);
    return slices;
  }

  #emptySlices(): { minutes: TimeBuckets; hours: TimeBuckets } {
    return {
      minutes: new TimeBuckets(this.#minutes, minuteMs),
      hours: new TimeBuckets(this.#hours, hourMs),
    };
  }
}
