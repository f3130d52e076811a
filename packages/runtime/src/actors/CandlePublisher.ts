import type { SymbolBook } from '@ballast/machines';
import { encodeCandle, type Timeframe, timeframes } from '@ballast/protocol';
import type { Candle as WindowCandle } from '@ballast/streams';
import type { NatsConnection } from '@nats-io/nats-core';
import type { SymbolEntry } from './SymbolEntry.js';

/** Coalesced updates published per turn at most, so a flush never blocks the fold for long. */
const maxCoalescedPerTurn = 64;

/** Counters of a {@link CandlePublisher}. */
export interface CandlePublisherCounters {
  /** Candle updates published (core NATS). */
  published: number;
  /** Closed candles published. */
  closed: number;
}

interface CoalescedUpdate {
  readonly book: SymbolBook;
  readonly dueAt: number;
}

/**
 * Publishes candle updates on `md.candle.<tf>.<SYMBOL>` (core NATS, at most once):
 * - the `perTick` timeframes (1m by default) at once for every live batch: the newest candle
 *   after a symbol's ticks of one read of the log (one `TICKS` event), so a burst of one
 *   symbol is one update. The consumer routes a read in one synchronous run, so the client
 *   writes the socket once per run, not once per update;
 * - the other timeframes coalesced: at most once per interval per symbol, due `interval` after
 *   the first change, at most {@link maxCoalescedPerTurn} symbols per turn — seven messages per
 *   tick would make candle fan-out, not the fold, the ceiling of a worker, and one flush of
 *   every symbol at once stalls the fold for tens of milliseconds;
 * - every closed candle once, with `closed: true`, at once.
 * Both waiting sets hold live entries only (bounded by the live-actor limit); passivation
 * removes them.
 *
 * @example
 * const publisher = new CandlePublisher(nc, ['1m'], 1_000);
 * publisher.onFold(entry, book); // 1m now, the other timeframes within a second
 */
export class CandlePublisher {
  readonly counters: CandlePublisherCounters = { published: 0, closed: 0 };
  readonly #nc: NatsConnection;
  readonly #perTick: readonly Timeframe[];
  readonly #coalesced: readonly Timeframe[];
  readonly #intervalMs: number;
  /** In the order the symbols first changed, which is the order they fall due. */
  readonly #due = new Map<SymbolEntry, CoalescedUpdate>();
  readonly #timer: NodeJS.Timeout;

  constructor(nc: NatsConnection, perTick: readonly string[], intervalMs: number) {
    this.#nc = nc;
    this.#perTick = timeframes.filter((tf) => perTick.includes(tf));
    this.#coalesced = timeframes.filter((tf) => !perTick.includes(tf));
    this.#intervalMs = intervalMs;
    // Coalesced updates fall due without ticks too. Every hundredth of the interval, at most
    // maxCoalescedPerTurn symbols each time: 6,400 symbols per interval keep up with the
    // default 5,000 live actors, each flush a fraction of a millisecond.
    this.#timer = setInterval(() => this.flush(), Math.max(1, intervalMs / 100));
    this.#timer.unref();
  }

  /** A live batch changed the book's newest candles. */
  onFold(entry: SymbolEntry, book: SymbolBook): void {
    for (const tf of this.#perTick) this.#publish(entry, tf, book.windows[tf].candle(0), false);
    if (this.#coalesced.length > 0 && !this.#due.has(entry)) {
      this.#due.set(entry, { book, dueAt: Date.now() + this.#intervalMs });
    }
  }

  /** A newer bucket closed this candle. */
  closed(entry: SymbolEntry, tf: Timeframe, candle: WindowCandle): void {
    this.#publish(entry, tf, candle, true);
    this.counters.closed++;
  }

  /** The entry stopped: no more updates for it. */
  forget(entry: SymbolEntry): void {
    this.#due.delete(entry);
  }

  /** Symbols with a coalesced update waiting. */
  get waiting(): number {
    return this.#due.size;
  }

  /** Publishes the coalesced updates that are due. */
  flush(now = Date.now()): void {
    let budget = maxCoalescedPerTurn;
    for (const [entry, update] of this.#due) {
      if (update.dueAt > now || budget-- === 0) break;
      this.#due.delete(entry);
      const { windows } = update.book;
      for (const tf of this.#coalesced) {
        if (windows[tf].length > 0) this.#publish(entry, tf, windows[tf].candle(0), false);
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#due.clear();
  }

  #publish(entry: SymbolEntry, tf: Timeframe, c: WindowCandle, closed: boolean): void {
    const subject = entry.candleSubjects[tf] as string;
    this.#nc.publish(
      subject,
      encodeCandle({
        v: 1,
        symbol: entry.symbol,
        tf,
        start: c.start,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
        trades: c.trades,
        closed,
      }),
    );
    this.counters.published++;
  }
}
