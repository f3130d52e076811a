import { DuplicateStreamError, TrackerFullError } from '../errors.js';
import { numberOption } from '../options.js';
import { Ring } from './Ring.js';

/** Options of {@link StreamTracker}. */
export interface StreamTrackerOptions {
  /** Clock in ms (inject a fake in tests). */
  readonly now: () => number;
  /** Streams active at once; `start` above it throws {@link TrackerFullError}. Default 10,000. */
  readonly maxActive?: number;
  /** Finished streams kept, newest overwriting oldest. Default 1,000. */
  readonly completedCapacity?: number;
}

/** A stream being tracked. */
export interface ActiveStream {
  readonly id: string;
  /** What it is, e.g. `'subscription'`, `'replay'`, `'consumer'`. */
  readonly kind: string;
  readonly startedAt: number;
  /** Messages counted through {@link StreamTracker.recordMessages}. */
  messages: number;
}

/** How a stream ended. */
export type StreamOutcome = 'completed' | 'failed' | 'cancelled';

/** A finished stream, as kept in the completed ring. */
export interface CompletedStream {
  readonly id: string;
  readonly kind: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly messages: number;
  readonly outcome: StreamOutcome;
  readonly error?: string;
}

/** Totals since construction. */
export interface StreamTrackerStats {
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** `start` calls refused because `maxActive` streams were active. */
  readonly rejected: number;
  /** `finish` calls for ids that were not active (already finished, or never started). */
  readonly unknownFinishes: number;
}

// Each kept record stays small: an error text is diagnostic, a prefix is enough.
const maxErrorLength = 500;

/**
 * Active streams (at most `maxActive`, default 10,000: above it `start` throws
 * {@link TrackerFullError} rather than grow) and the last `completedCapacity` finished ones
 * (a ring, default 1,000). Pure: the clock is injected.
 *
 * @example
 * const streams = new StreamTracker({ now: () => Date.now() });
 * streams.start('sub:BTC', 'subscription');
 * streams.recordMessages('sub:BTC', 10);
 * streams.finish('sub:BTC', 'completed');
 */
export class StreamTracker {
  readonly maxActive: number;
  readonly #now: () => number;
  readonly #active = new Map<string, ActiveStream>();
  readonly #completed: Ring<CompletedStream>;
  #stats = { started: 0, completed: 0, failed: 0, cancelled: 0, rejected: 0, unknownFinishes: 0 };

  constructor(options: StreamTrackerOptions) {
    this.#now = options.now;
    this.maxActive = numberOption('maxActive', options.maxActive, 10_000, {
      min: 1,
      integer: true,
    });
    this.#completed = new Ring(
      numberOption('completedCapacity', options.completedCapacity, 1_000, {
        min: 1,
        integer: true,
      }),
    );
  }

  /**
   * Starts tracking a stream.
   *
   * @throws {TrackerFullError} when `maxActive` streams are active (counted as rejected)
   * @throws {DuplicateStreamError} when `id` is already active
   */
  start(id: string, kind: string): ActiveStream {
    if (this.#active.has(id)) throw new DuplicateStreamError(id);
    if (this.#active.size >= this.maxActive) {
      this.#stats.rejected++;
      throw new TrackerFullError('StreamTracker', this.maxActive);
    }
    const stream: ActiveStream = { id, kind, startedAt: this.#now(), messages: 0 };
    this.#active.set(id, stream);
    this.#stats.started++;
    return stream;
  }

  /** Adds to an active stream's message count; false when the stream is not active. */
  recordMessages(id: string, count = 1): boolean {
    const stream = this.#active.get(id);
    if (!stream) return false;
    stream.messages += count;
    return true;
  }

  /**
   * Ends an active stream and moves it to the completed ring.
   *
   * @returns the completed record, or undefined (counted) when `id` was not active
   */
  finish(id: string, outcome: StreamOutcome, error?: string): CompletedStream | undefined {
    const stream = this.#active.get(id);
    if (!stream) {
      this.#stats.unknownFinishes++;
      return undefined;
    }
    this.#active.delete(id);
    this.#stats[outcome]++;
    const record: CompletedStream = {
      id,
      kind: stream.kind,
      startedAt: stream.startedAt,
      endedAt: this.#now(),
      messages: stream.messages,
      outcome,
      ...(error !== undefined && { error: error.slice(0, maxErrorLength) }),
    };
    this.#completed.push(record);
    return record;
  }

  /** An active stream, or undefined. */
  get(id: string): ActiveStream | undefined {
    return this.#active.get(id);
  }

  /** Number of active streams. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** A copy of the active streams. */
  active(): ActiveStream[] {
    return [...this.#active.values()].map((stream) => ({ ...stream }));
  }

  /** Finished streams, oldest first; `limit` caps how many of the newest. */
  completed(limit?: number): CompletedStream[] {
    return this.#completed.toArray(limit);
  }

  get stats(): StreamTrackerStats {
    return { ...this.#stats };
  }
}
