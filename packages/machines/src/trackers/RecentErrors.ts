import { numberOption } from '../options.js';
import { PatternCounts } from './PatternCounts.js';
import { Ring } from './Ring.js';

/** Options of {@link RecentErrors}. */
export interface RecentErrorsOptions {
  /** Clock in ms (inject a fake in tests). */
  readonly now: () => number;
  /** Errors kept, newest overwriting oldest. Default 500. */
  readonly capacity?: number;
  /** Window pattern counts cover, in ms. Default 3,600,000 (1 h). */
  readonly windowMs?: number;
  /** Buckets the window is split into (counts age out a bucket at a time). Default 60. */
  readonly buckets?: number;
  /** Distinct `kind:code` patterns counted; further ones count as `'(other)'`. Default 200. */
  readonly maxPatterns?: number;
}

/** An error to record. */
export interface ErrorEntry {
  /** What failed, e.g. `'symbolCache'`, `'reload'`, `'deadletter'`. */
  readonly kind: string;
  readonly message: string;
  readonly code?: string;
  /** Which actor/task/subject it came from. */
  readonly source?: string;
}

/** A recorded error, with the clock time it was recorded at. */
export interface RecordedError extends ErrorEntry {
  readonly at: number;
}

/** How often one `kind:code` pattern occurred within the window. */
export interface ErrorPattern {
  readonly pattern: string;
  readonly count: number;
}

// Messages are for people: a bounded prefix is enough, and bounds each entry's memory.
const maxMessageLength = 500;

/**
 * The last N errors (a ring, default 500) and how often each `kind:code` pattern occurred over
 * a sliding window (default 1 h, aged out a bucket at a time). Memory is fixed by the options,
 * never by the error rate. Pure: the clock is injected, nothing is logged or sent.
 *
 * @example
 * const errors = new RecentErrors({ now: () => Date.now() });
 * errors.record({ kind: 'reload', code: 'timeout', message: 'KV get timed out' });
 * errors.patterns(); // [{ pattern: 'reload:timeout', count: 1 }]
 */
export class RecentErrors {
  readonly #now: () => number;
  readonly #ring: Ring<RecordedError>;
  readonly #patterns: PatternCounts;
  #recorded = 0;
  #overwritten = 0;

  constructor(options: RecentErrorsOptions) {
    this.#now = options.now;
    this.#ring = new Ring(
      numberOption('capacity', options.capacity, 500, { min: 1, integer: true }),
    );
    this.#patterns = new PatternCounts(
      numberOption('windowMs', options.windowMs, 3_600_000, { min: 1 }),
      numberOption('buckets', options.buckets, 60, { min: 1, integer: true }),
      numberOption('maxPatterns', options.maxPatterns, 200, { min: 1, integer: true }),
    );
  }

  /** Records an error; returns what was stored. */
  record(entry: ErrorEntry): RecordedError {
    const at = this.#now();
    const message =
      entry.message.length > maxMessageLength
        ? `${entry.message.slice(0, maxMessageLength)}…`
        : entry.message;
    // Copy the known fields only: a caller's object may carry large references.
    const recorded: RecordedError = {
      kind: entry.kind,
      message,
      ...(entry.code !== undefined && { code: entry.code }),
      ...(entry.source !== undefined && { source: entry.source }),
      at,
    };
    if (this.#ring.push(recorded)) this.#overwritten++;
    this.#recorded++;
    this.#patterns.add(`${entry.kind}:${entry.code ?? '-'}`, at);
    return recorded;
  }

  /** The newest errors, oldest first; `limit` caps how many. */
  recent(limit?: number): RecordedError[] {
    return this.#ring.toArray(limit);
  }

  /** Pattern counts within the window, most frequent first. */
  patterns(): ErrorPattern[] {
    return this.#patterns.counts(this.#now()).map(([pattern, count]) => ({ pattern, count }));
  }

  /** Errors held now (at most the capacity). */
  get size(): number {
    return this.#ring.size;
  }

  /** Totals since construction: recorded, overwritten in the ring, counted as `'(other)'`. */
  get stats(): {
    readonly recorded: number;
    readonly overwritten: number;
    readonly patternOverflows: number;
  } {
    return {
      recorded: this.#recorded,
      overwritten: this.#overwritten,
      patternOverflows: this.#patterns.overflowed,
    };
  }
}
