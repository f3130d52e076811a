import { CandleCounters } from './CandleCounters.js';
import { InvalidOptionError, RingSnapshotError } from './errors.js';
import { integerOption } from './options.js';
import { RingColumns, type RingSnapshot } from './RingColumns.js';

/**
 * The columns of a {@link CandleWindow}, in storage order: 7 doubles, 56 bytes a candle.
 *
 * @example
 * const newestRow = candleFields.map((field) => m1.get(field, 0));
 */
export const candleFields = ['start', 'open', 'high', 'low', 'close', 'volume', 'trades'] as const;

/** One column of a {@link CandleWindow}. */
export type CandleField = (typeof candleFields)[number];

/** One OHLCV candle; `start` is the bucket's start in epoch ms. */
export type Candle = Record<CandleField, number>;

/**
 * What {@link CandleWindow.apply} did with a tick:
 * - `opened`: started a new newest candle;
 * - `updated`: updated the newest candle with an in-order tick;
 * - `late-updated`: a late tick (older than the latest tick seen) updated an existing candle;
 * - `late-inserted`: a late tick created a candle between or before existing ones;
 * - `rejected-too-old`: the window is full and the tick's bucket is older than its oldest candle;
 * - `rejected-invalid`: a non-finite time or price, or a negative or non-finite size.
 */
export type CandleApplyResult =
  | 'opened'
  | 'updated'
  | 'late-updated'
  | 'late-inserted'
  | 'rejected-too-old'
  | 'rejected-invalid';

/** Options of {@link CandleWindow}. */
export interface CandleWindowOptions {
  /** Most candles held; an integer >= 1 (e.g. 1440 for a day of 1m candles). */
  readonly capacity: number;
  /** Bucket length in ms, e.g. 60_000 for 1m candles; an integer >= 1. */
  readonly bucketMs: number;
  /** Counters to write into, e.g. shared by every window of a worker. */
  readonly counters?: CandleCounters;
}

/** The state of a {@link CandleWindow}, for persistence. */
export interface CandleWindowSnapshot extends RingSnapshot<CandleField> {
  readonly bucketMs: number;
  /** Event time of the latest in-order tick; decides whether the next tick is late. */
  readonly lastTickMs: number;
}

/**
 * The newest `capacity` candles of one timeframe, folded from ticks by event time, stored in a
 * {@link RingColumns} (one `Float64Array` per field, 56 bytes a candle, nothing per candle on the
 * JS heap). Candles exist only for buckets that had ticks; empty buckets are not filled in.
 *
 * The late-tick rule: the window always holds the newest `capacity` non-empty buckets among the
 * ticks it accepted. A tick for a bucket it holds updates that candle, found by binary search
 * on `start`. A tick for a missing bucket between held ones (a gap) or before the oldest one is
 * inserted in order by a shifting insert, O(min(k, capacity - k)) moves; when the window is
 * full the oldest candle makes room. A tick whose bucket is older than the oldest candle of a
 * full window is rejected with `rejected-too-old` and counted: it would be evicted at once.
 *
 * Open and close follow arrival among in-order ticks: a late tick (event time before the latest
 * tick seen) updates high, low, volume and trades of an existing candle but never its open or
 * close, since a candle does not record which tick its open and close came from. Replaying the
 * same log gives the same candles, as event sourcing needs.
 *
 * @example
 * const m1 = new CandleWindow({ capacity: 1440, bucketMs: 60_000 });
 * m1.apply(tick.ts, tick.price, tick.size); // 'opened' | 'updated' | ...
 * m1.candle(0).close; // latest close
 */
export class CandleWindow {
  readonly bucketMs: number;
  readonly counters: CandleCounters;
  private readonly ring: RingColumns<CandleField>;
  // Column references cached: `apply` runs once per tick per timeframe.
  private start!: Float64Array;
  private open!: Float64Array;
  private high!: Float64Array;
  private low!: Float64Array;
  private close!: Float64Array;
  private volume!: Float64Array;
  private trades!: Float64Array;
  private lastTickMs = Number.NEGATIVE_INFINITY;

  /**
   * @param options - capacity, bucket length and optional shared counters
   * @throws {InvalidOptionError} when capacity or bucketMs is not an integer >= 1
   */
  constructor(options: CandleWindowOptions) {
    this.bucketMs = integerOption('bucketMs', options.bucketMs, 1);
    this.counters = options.counters ?? new CandleCounters();
    this.ring = new RingColumns(candleFields, integerOption('capacity', options.capacity, 1));
    this.bindColumns();
  }

  /** Most candles held. */
  get capacity(): number {
    return this.ring.capacity;
  }

  /** Candles held. */
  get length(): number {
    return this.ring.length;
  }

  /**
   * Bytes one candle costs: 7 doubles.
   *
   * @example
   * new CandleWindow({ capacity: 1440, bucketMs: 60_000 }).bytesPerEntry(); // 56
   */
  bytesPerEntry(): number {
    return this.ring.bytesPerEntry();
  }

  /**
   * Folds one tick into the window by its event time.
   *
   * @param tsMs - event time, epoch ms
   * @param price - trade price, finite
   * @param size - trade size, finite and >= 0
   * @returns what happened, also counted in `counters`
   * @example
   * if (m1.apply(ts, price, size).startsWith('rejected')) deadLetter(tick, 'too old for 1m');
   */
  apply(tsMs: number, price: number, size: number): CandleApplyResult {
    if (!(Number.isFinite(tsMs) && Number.isFinite(price) && Number.isFinite(size) && size >= 0)) {
      this.counters.rejectedInvalid++;
      return 'rejected-invalid';
    }
    const bucket = Math.floor(tsMs / this.bucketMs) * this.bucketMs;
    const ring = this.ring;
    if (ring.length === 0 || bucket > (this.start[ring.slotOfAge(0)] as number)) {
      this.write(this.bound(ring.pushSlot()), bucket, price, size);
      if (tsMs > this.lastTickMs) this.lastTickMs = tsMs;
      this.counters.opened++;
      return 'opened';
    }
    const position = this.search(bucket);
    if (position >= 0) {
      const slot = ring.slotAt(position);
      if (tsMs >= this.lastTickMs) {
        // In order, so necessarily in the newest candle.
        this.lastTickMs = tsMs;
        this.close[slot] = price;
        this.update(slot, price, size);
        this.counters.updated++;
        return 'updated';
      }
      this.update(slot, price, size);
      this.counters.lateUpdated++;
      return 'late-updated';
    }
    let insertAt = ~position;
    if (ring.length === ring.capacity) {
      if (insertAt === 0) {
        this.counters.rejectedTooOld++;
        return 'rejected-too-old';
      }
      ring.dropOldest();
      insertAt--;
    }
    this.write(this.bound(ring.insertAt(insertAt)), bucket, price, size);
    this.counters.lateInserted++;
    return 'late-inserted';
  }

  /**
   * The candle `age` candles before the newest (0 = newest), as a new object.
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < length`
   * @example
   * const { open, close } = m1.candle(0);
   */
  candle(age: number): Candle {
    return this.ring.row(age);
  }

  /**
   * One field of the candle `age` candles before the newest, without allocating.
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < length`
   * @example
   * const previousClose = m1.get('close', 1);
   */
  get(field: CandleField, age: number): number {
    return this.ring.get(field, age);
  }

  /**
   * Every candle as a new object, oldest to newest.
   *
   * @example
   * chart.setData(m1.toArray());
   */
  toArray(): Candle[] {
    return this.ring.toArray();
  }

  /**
   * Copies the state out for persistence.
   *
   * @example
   * await kv.put(`candles.1m.${symbol}`, encode(m1.snapshot()));
   */
  snapshot(): CandleWindowSnapshot {
    return { ...this.ring.snapshot(), bucketMs: this.bucketMs, lastTickMs: this.lastTickMs };
  }

  /**
   * Rebuilds a window from a snapshot; counters start at zero unless shared ones are passed.
   *
   * @throws {RingSnapshotError} when the snapshot is not a candle window's
   * @example
   * const m1 = CandleWindow.restore(decode(stored));
   */
  static restore(snapshot: CandleWindowSnapshot, counters?: CandleCounters): CandleWindow {
    if (
      snapshot.fields.length !== candleFields.length ||
      candleFields.some((field, i) => snapshot.fields[i] !== field)
    ) {
      throw new RingSnapshotError(
        `not a candle window snapshot: fields are [${snapshot.fields.join(', ')}], expected [${candleFields.join(', ')}]`,
      );
    }
    let window: CandleWindow;
    try {
      window = new CandleWindow({
        capacity: snapshot.capacity,
        bucketMs: snapshot.bucketMs,
        ...(counters && { counters }),
      });
    } catch (cause) {
      if (!(cause instanceof InvalidOptionError)) throw cause;
      throw new RingSnapshotError(`candle window snapshot is invalid: ${cause.message}`, { cause });
    }
    const ring = window.ring.load(snapshot);
    window.bindColumns();
    let previous = Number.NEGATIVE_INFINITY;
    for (const slot of ring.slots()) {
      const start = window.start[slot] as number;
      if (!(start > previous)) {
        throw new RingSnapshotError(
          `candle window snapshot is invalid: starts must ascend, but ${start} follows ${previous}`,
        );
      }
      previous = start;
    }
    if (typeof snapshot.lastTickMs !== 'number' || Number.isNaN(snapshot.lastTickMs)) {
      throw new RingSnapshotError(
        `candle window snapshot is invalid: lastTickMs must be a number; got ${snapshot.lastTickMs}`,
      );
    }
    window.lastTickMs = snapshot.lastTickMs;
    return window;
  }

  // The columns are cached as fields for the hot path; the ring replaces them when it grows.
  private bindColumns(): void {
    const c = this.ring.columns;
    this.start = c.start;
    this.open = c.open;
    this.high = c.high;
    this.low = c.low;
    this.close = c.close;
    this.volume = c.volume;
    this.trades = c.trades;
  }

  // Rebinds after a push or insert that may have grown the ring; returns the slot.
  private bound(slot: number): number {
    if (this.start !== this.ring.columns.start) this.bindColumns();
    return slot;
  }

  private write(slot: number, bucket: number, price: number, size: number): void {
    this.start[slot] = bucket;
    this.open[slot] = price;
    this.high[slot] = price;
    this.low[slot] = price;
    this.close[slot] = price;
    this.volume[slot] = size;
    this.trades[slot] = 1;
  }

  private update(slot: number, price: number, size: number): void {
    if (price > (this.high[slot] as number)) this.high[slot] = price;
    if (price < (this.low[slot] as number)) this.low[slot] = price;
    this.volume[slot] = (this.volume[slot] as number) + size;
    this.trades[slot] = (this.trades[slot] as number) + 1;
  }

  // Binary search on start, oldest to newest: the position of `bucket`, or ~(insert position).
  private search(bucket: number): number {
    const ring = this.ring;
    let lo = 0;
    let hi = ring.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const start = this.start[ring.slotAt(mid)] as number;
      if (start < bucket) lo = mid + 1;
      else if (start > bucket) hi = mid - 1;
      else return mid;
    }
    return ~lo;
  }
}
