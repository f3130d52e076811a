import type { SymbolBook } from '@ballast/machines';
import { encodeCandle, type Timeframe, timeframes } from '@ballast/protocol';
import type { Candle as WindowCandle } from '@ballast/streams';
import type { NatsConnection } from '@nats-io/nats-core';
import type { SymbolEntry } from './SymbolEntry.js';

/** Counters of a {@link CandlePublisher}. */
export interface CandlePublisherCounters {
  /** Candle updates published (core NATS). */
  published: number;
  /** Closed candles published. */
  closed: number;
}

/**
 * Publishes candle updates on `md.candle.<tf>.<SYMBOL>` (core NATS, at most once):
 * - the `perTick` timeframes on every live tick (1m by default: the latency a subscriber sees);
 * - the other timeframes coalesced, at most once per interval per symbol — seven messages per
 *   tick would make candle fan-out, not the fold, the ceiling of a worker;
 * - every closed candle once, with `closed: true`.
 * The set of symbols waiting for a coalesced update holds live entries only (bounded by the
 * live-actor limit); passivation removes them.
 *
 * @example
 * const publisher = new CandlePublisher(nc, ['1m'], 1_000);
 * publisher.onTick(entry, book);
 */
export class CandlePublisher {
  readonly counters: CandlePublisherCounters = { published: 0, closed: 0 };
  readonly #nc: NatsConnection;
  readonly #perTick: readonly Timeframe[];
  readonly #coalesced: readonly Timeframe[];
  readonly #dirty = new Map<SymbolEntry, SymbolBook>();
  readonly #timer: NodeJS.Timeout;

  constructor(nc: NatsConnection, perTick: readonly string[], intervalMs: number) {
    this.#nc = nc;
    this.#perTick = timeframes.filter((tf) => perTick.includes(tf));
    this.#coalesced = timeframes.filter((tf) => !perTick.includes(tf));
    this.#timer = setInterval(() => this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** A live tick changed the book's newest candles. */
  onTick(entry: SymbolEntry, book: SymbolBook): void {
    for (const tf of this.#perTick) this.#publish(entry, tf, book.windows[tf].candle(0), false);
    if (this.#coalesced.length > 0) this.#dirty.set(entry, book);
  }

  /** A newer bucket closed this candle. */
  closed(entry: SymbolEntry, tf: Timeframe, candle: WindowCandle): void {
    this.#publish(entry, tf, candle, true);
    this.counters.closed++;
  }

  /** The entry stopped: no coalesced update for it. */
  forget(entry: SymbolEntry): void {
    this.#dirty.delete(entry);
  }

  /** Publishes the coalesced timeframes of every symbol that changed since the last flush. */
  flush(): void {
    for (const [entry, book] of this.#dirty) {
      for (const tf of this.#coalesced) {
        if (book.windows[tf].length > 0)
          this.#publish(entry, tf, book.windows[tf].candle(0), false);
      }
    }
    this.#dirty.clear();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#dirty.clear();
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
