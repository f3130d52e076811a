import { type Timeframe, timeframeMs, timeframes } from '@ballast/protocol';

/** A candle as the obvious code keeps it: one object per candle. */
export interface NaiveCandle {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/** The fields of a tick the fold reads. */
export interface NaiveTick {
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  readonly ts: number;
}

/**
 * The baseline that fails: the fold the original services did — a Map of symbol to arrays of
 * candle objects per timeframe, every symbol kept forever, every candle kept forever. Nothing
 * here is bounded ON PURPOSE (the one place in the repo): the soak runs it next to Ballast's
 * workers on the same feed to show the growth that passivation and bounded windows prevent.
 * Never use it for anything else.
 *
 * @example
 * const naive = new NaiveCandleFold();
 * naive.apply({ symbol: 'AAPL', price: 190.5, size: 100, ts: Date.now() });
 * naive.candles; // 7: one per timeframe
 */
export class NaiveCandleFold {
  readonly #books = new Map<string, Record<Timeframe, NaiveCandle[]>>();
  #candles = 0;
  #ticks = 0;

  /** Symbols held (never fewer: nothing is evicted). */
  get symbols(): number {
    return this.#books.size;
  }

  /** Candle objects held across all symbols and timeframes. */
  get candles(): number {
    return this.#candles;
  }

  get ticks(): number {
    return this.#ticks;
  }

  /** Folds one tick into every timeframe's candle of its bucket, opening one when it is new. */
  apply(tick: NaiveTick): void {
    let book = this.#books.get(tick.symbol);
    if (book === undefined) {
      book = { '1m': [], '5m': [], '15m': [], '30m': [], '1h': [], '4h': [], '1d': [] };
      this.#books.set(tick.symbol, book);
    }
    for (const tf of timeframes) {
      const start = tick.ts - (tick.ts % timeframeMs[tf]);
      const candles = book[tf];
      const candle = findCandle(candles, start);
      if (candle === undefined) {
        candles.push({
          start,
          open: tick.price,
          high: tick.price,
          low: tick.price,
          close: tick.price,
          volume: tick.size,
          trades: 1,
        });
        this.#candles++;
      } else {
        candle.high = Math.max(candle.high, tick.price);
        candle.low = Math.min(candle.low, tick.price);
        candle.close = tick.price;
        candle.volume += tick.size;
        candle.trades++;
      }
    }
    this.#ticks++;
  }
}

/** The candle starting at `start`: the last one almost always; late ticks scan back. */
function findCandle(candles: readonly NaiveCandle[], start: number): NaiveCandle | undefined {
  for (let i = candles.length - 1; i >= 0; i--) {
    const candle = candles[i] as NaiveCandle;
    if (candle.start === start) return candle;
    if (candle.start < start) return undefined;
  }
  return undefined;
}
