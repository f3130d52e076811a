/**
 * Counters of {@link CandleWindow.apply}, one per result code. Every tick lands in exactly one,
 * so their sum is the ticks applied; share one instance across windows to get totals.
 *
 * @example
 * const counters = new CandleCounters();
 * const m1 = new CandleWindow({ capacity: 1440, bucketMs: 60_000, counters });
 * metrics.set('candle_ticks_rejected_too_old', counters.rejectedTooOld);
 */
export class CandleCounters {
  /** New newest candles. */
  opened = 0;
  /** In-order ticks folded into the newest candle. */
  updated = 0;
  /** Late ticks folded into an existing candle. */
  lateUpdated = 0;
  /** Late ticks that created a candle in a gap or before the oldest one. */
  lateInserted = 0;
  /** Ticks older than the oldest candle of a full window. */
  rejectedTooOld = 0;
  /** Ticks with a non-finite time or price, or a negative or non-finite size. */
  rejectedInvalid = 0;
}
