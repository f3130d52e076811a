import type { Tick, Timeframe } from '@ballast/protocol';
import { timeframeMs, timeframes } from '@ballast/protocol';
import {
  CandleCounters,
  CandleWindow,
  type CandleWindowSnapshot,
  RingColumns,
  type RingSnapshot,
} from '@ballast/streams';
import { bookDigest } from './bookDigest.js';
import {
  type ResolvedSymbolBookOptions,
  resolveSymbolBookOptions,
  type SymbolBookOptions,
} from './symbolBookOptions.js';

/**
 * What {@link SymbolBook.apply} did with a tick:
 * - `applied`: folded into at least one candle window;
 * - `duplicate`: its log sequence is at or below the last applied one (a replayed event), skipped;
 * - `too-old`: older than every window's oldest candle, so no window could hold it; counted.
 */
export type TickFoldResult = 'applied' | 'duplicate' | 'too-old';

/** The latest quote by event time. */
export interface LastQuote {
  readonly price: number;
  readonly size: number;
  readonly ts: number;
  /** Log sequence of the tick it came from. */
  readonly seq: number;
}

/** Counters of one book; they travel in its snapshot so a restored actor keeps counting. */
export interface SymbolBookCounters {
  applied: number;
  duplicates: number;
  tooOld: number;
  /** Open-interest readings older than the newest sample's bucket: ignored. */
  lateOpenInterest: number;
}

type OpenInterestField = 'start' | 'value';

/** Windows rebuilt from a snapshot, handed to the constructor so it allocates none. @internal */
interface RestoredWindows {
  readonly windows: Readonly<Record<Timeframe, CandleWindow>>;
  readonly counters: CandleCounters;
}
const openInterestFields: readonly OpenInterestField[] = ['start', 'value'];

/** Everything a {@link SymbolBook} holds, as plain data and typed arrays, for the snapshot codec. */
export interface SymbolBookSnapshot {
  readonly v: 1;
  readonly symbol: string;
  readonly lastAppliedSeq: number;
  readonly candles: Readonly<Record<Timeframe, CandleWindowSnapshot>>;
  readonly openInterest: RingSnapshot<OpenInterestField> & { readonly bucketMs: number };
  readonly quote: LastQuote | null;
  readonly counters: Readonly<SymbolBookCounters>;
}

/**
 * One symbol's market data folded from its ticks: a {@link CandleWindow} per timeframe, an
 * open-interest history and the last quote, all bounded at construction (typed arrays, no
 * per-candle objects). Ticks fold by event time; a tick whose log sequence was already applied
 * is skipped, so replaying the log after a snapshot is idempotent, and the same events give the
 * same {@link SymbolBook.digest} whatever the snapshot/replay split.
 *
 * This is the pure fold; the `symbolCache` machine adds lifecycle and effects around it.
 *
 * @example
 * const book = new SymbolBook('AAPL');
 * book.apply(tick, 1042);
 * book.windows['1m'].candle(0).close;
 */
export class SymbolBook {
  readonly symbol: string;
  readonly options: ResolvedSymbolBookOptions;
  readonly windows: Readonly<Record<Timeframe, CandleWindow>>;
  /** Shared by every window of this book: opened, updated, late and rejected candle updates. */
  readonly candleCounters: CandleCounters;
  readonly counters: SymbolBookCounters;
  /** Bit `i` set when the last applied tick opened a new candle in `timeframes[i]`. */
  openedMask = 0;
  #lastAppliedSeq = 0;
  #quote: LastQuote | null = null;
  readonly #openInterest: RingColumns<OpenInterestField>;

  /**
   * @param symbol - a validated symbol token
   * @param options - window bounds; defaults from DESIGN.md
   * @throws {InvalidOptionError} on a bound that is not an integer >= 1
   */
  constructor(symbol: string, options: SymbolBookOptions = {}, restored?: RestoredWindows) {
    this.symbol = symbol;
    this.options = resolveSymbolBookOptions(options);
    this.candleCounters = restored?.counters ?? new CandleCounters();
    if (restored) {
      this.windows = restored.windows;
    } else {
      const windows = {} as Record<Timeframe, CandleWindow>;
      for (const tf of timeframes) {
        windows[tf] = new CandleWindow({
          capacity: this.options.candles[tf],
          bucketMs: timeframeMs[tf],
          counters: this.candleCounters,
        });
      }
      this.windows = windows;
    }
    this.#openInterest = new RingColumns(openInterestFields, this.options.openInterestCapacity);
    this.counters = { applied: 0, duplicates: 0, tooOld: 0, lateOpenInterest: 0 };
  }

  /** Log sequence of the last applied tick; 0 before any. */
  get lastAppliedSeq(): number {
    return this.#lastAppliedSeq;
  }

  /** The latest quote by event time, or null before any tick. */
  get quote(): LastQuote | null {
    return this.#quote;
  }

  /** Open-interest samples held. */
  get openInterestLength(): number {
    return this.#openInterest.length;
  }

  /**
   * The open-interest sample `age` samples before the newest (0 = newest).
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < openInterestLength`
   */
  openInterest(age: number): { start: number; value: number } {
    return this.#openInterest.row(age);
  }

  /**
   * Folds one tick by event time. Skips it when `seq <= lastAppliedSeq` (idempotent replay).
   *
   * @param tick - a decoded, validated tick of this symbol
   * @param seq - its log (JetStream stream) sequence, increasing
   * @returns what happened; {@link SymbolBook.openedMask} says which windows opened a candle
   * @example
   * if (book.apply(tick, seq) === 'too-old') deadLetter(tick, 'older than every window');
   */
  apply(tick: Tick, seq: number): TickFoldResult {
    this.openedMask = 0;
    if (seq <= this.#lastAppliedSeq) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    this.#lastAppliedSeq = seq;
    let accepted = 0;
    for (let i = 0; i < timeframes.length; i++) {
      const result = this.windows[timeframes[i] as Timeframe].apply(tick.ts, tick.price, tick.size);
      if (result === 'opened') this.openedMask |= 1 << i;
      if (!result.startsWith('rejected')) accepted++;
    }
    if (accepted === 0) {
      this.counters.tooOld++;
      return 'too-old';
    }
    if (this.#quote === null || tick.ts >= this.#quote.ts) {
      this.#quote = { price: tick.price, size: tick.size, ts: tick.ts, seq };
    }
    if (tick.openInterest !== undefined) this.#recordOpenInterest(tick.ts, tick.openInterest);
    this.counters.applied++;
    return 'applied';
  }

  /**
   * A digest of everything the fold decides (candles, open interest, quote, last sequence), in
   * logical order, so two books are equal exactly when their digests are.
   *
   * @example
   * expect(recovered.digest()).toBe(cleanFold.digest());
   */
  digest(): string {
    return bookDigest(this);
  }

  /**
   * Copies the state out (typed arrays) for `encodeSnapshot`.
   *
   * @example
   * kv.put(`symbol.${book.symbol}`, encodeSnapshot(book.snapshot()));
   */
  snapshot(): SymbolBookSnapshot {
    const candles = {} as Record<Timeframe, CandleWindowSnapshot>;
    for (const tf of timeframes) candles[tf] = this.windows[tf].snapshot();
    return {
      v: 1,
      symbol: this.symbol,
      lastAppliedSeq: this.#lastAppliedSeq,
      candles,
      openInterest: {
        ...this.#openInterest.snapshot(),
        bucketMs: this.options.openInterestBucketMs,
      },
      quote: this.#quote,
      counters: { ...this.counters },
    };
  }

  /**
   * Rebuilds a book from {@link SymbolBook.snapshot}; bounds come from the snapshot.
   *
   * @throws {RingSnapshotError} when a window's snapshot is malformed
   * @example
   * const book = SymbolBook.restore(decodeSnapshot(bytes) as SymbolBookSnapshot);
   */
  static restore(snapshot: SymbolBookSnapshot): SymbolBook {
    const counters = new CandleCounters();
    const candles = {} as Record<Timeframe, number>;
    const windows = {} as Record<Timeframe, CandleWindow>;
    for (const tf of timeframes) {
      candles[tf] = snapshot.candles[tf].capacity;
      windows[tf] = CandleWindow.restore(snapshot.candles[tf], counters);
    }
    const options = {
      candles,
      openInterestCapacity: snapshot.openInterest.capacity,
      openInterestBucketMs: snapshot.openInterest.bucketMs,
    };
    const book = new SymbolBook(snapshot.symbol, options, { windows, counters });
    book.#openInterest.load(snapshot.openInterest);
    book.#lastAppliedSeq = snapshot.lastAppliedSeq;
    book.#quote = snapshot.quote;
    Object.assign(book.counters, snapshot.counters);
    return book;
  }

  // One sample per bucket, the newest reading wins; a reading for an older bucket is ignored
  // (a ring cannot insert in the middle cheaply, and open interest is a level, not a flow).
  #recordOpenInterest(ts: number, value: number): void {
    const ring = this.#openInterest;
    const bucket =
      Math.floor(ts / this.options.openInterestBucketMs) * this.options.openInterestBucketMs;
    const newest = ring.length > 0 ? ring.get('start', 0) : Number.NEGATIVE_INFINITY;
    if (bucket > newest) {
      ring.push({ start: bucket, value });
    } else if (bucket === newest) {
      ring.columns.value[ring.slotOfAge(0)] = value;
    } else {
      this.counters.lateOpenInterest++;
    }
  }
}
