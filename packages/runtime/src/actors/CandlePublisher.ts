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
  /** Per-tick updates superseded by a newer tick of the same symbol within one turn. */
  conflated: number;
}

interface CoalescedUpdate {
  readonly book: SymbolBook;
  readonly dueAt: number;
}

/**
 * Publishes candle updates on `md.candle.<tf>.<SYMBOL>` (core NATS, at most once):
 * - the `perTick` timeframes (1m by default) once per event-loop turn for every symbol a
 *   live tick changed in that turn: the newest candle, so ticks of one symbol that arrive in
 *   one burst are conflated into one update. Publishing from the fold itself would write to
 *   the socket once per tick (the client flushes on the next microtask, and every consumed
 *   message is one), which cost a third of a worker's CPU;
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
 * publisher.onTick(entry, book); // published at the end of this turn
 */
export class CandlePublisher {
  readonly counters: CandlePublisherCounters = { published: 0, closed: 0, conflated: 0 };
  readonly #nc: NatsConnection;
  readonly #perTick: readonly Timeframe[];
  readonly #coalesced: readonly Timeframe[];
  readonly #intervalMs: number;
  readonly #fresh = new Map<SymbolEntry, SymbolBook>();
  /** In the order the symbols first changed, which is the order they fall due. */
  readonly #due = new Map<SymbolEntry, CoalescedUpdate>();
  readonly #timer: NodeJS.Timeout;
  #turn: NodeJS.Immediate | null = null;
  #stopped = false;

  constructor(nc: NatsConnection, perTick: readonly string[], intervalMs: number) {
    this.#nc = nc;
    this.#perTick = timeframes.filter((tf) => perTick.includes(tf));
    this.#coalesced = timeframes.filter((tf) => !perTick.includes(tf));
    this.#intervalMs = intervalMs;
    // Coalesced updates fall due without ticks too; a tenth of the interval keeps them on time.
    this.#timer = setInterval(() => this.flush(), Math.max(1, intervalMs / 10));
    this.#timer.unref();
  }

  /** A live tick changed the book's newest candles. */
  onTick(entry: SymbolEntry, book: SymbolBook): void {
    if (this.#perTick.length > 0) {
      if (this.#fresh.has(entry)) this.counters.conflated++;
      else this.#fresh.set(entry, book);
      this.#scheduleTurn();
    }
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
    this.#fresh.delete(entry);
    this.#due.delete(entry);
  }

  /** Updates waiting: symbols with a per-tick update this turn, symbols with a coalesced one. */
  get waiting(): { readonly fresh: number; readonly coalesced: number } {
    return { fresh: this.#fresh.size, coalesced: this.#due.size };
  }

  /** Publishes this turn's per-tick updates and the coalesced ones that are due. */
  flush(now = Date.now()): void {
    if (this.#turn !== null) {
      clearImmediate(this.#turn);
      this.#turn = null;
    }
    for (const [entry, book] of this.#fresh) {
      for (const tf of this.#perTick) this.#publish(entry, tf, book.windows[tf].candle(0), false);
    }
    this.#fresh.clear();
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
    this.#stopped = true;
    clearInterval(this.#timer);
    if (this.#turn !== null) clearImmediate(this.#turn);
    this.#turn = null;
    this.#fresh.clear();
    this.#due.clear();
  }

  #scheduleTurn(): void {
    // setImmediate runs once the consumers have drained what the socket delivered: one write
    // per burst, and no later than the end of the current event-loop turn.
    if (this.#turn === null && !this.#stopped) this.#turn = setImmediate(() => this.flush());
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
