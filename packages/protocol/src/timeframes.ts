/**
 * Candle timeframes, shortest first. A candle of timeframe `tf` covers
 * `[start, start + timeframeMs[tf])` with `start` a multiple of the duration in UTC epoch
 * milliseconds (so `1d` candles start at 00:00 UTC).
 *
 * @example
 * for (const tf of timeframes) subscribe(candleFilter({ tf }));
 */
export const timeframes = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;

/** One of {@link timeframes}. */
export type Timeframe = (typeof timeframes)[number];

const minute = 60_000;

/**
 * Duration of each timeframe in milliseconds.
 *
 * @example
 * const start = ts - (ts % timeframeMs['5m']); // the 5-minute bucket holding ts
 */
export const timeframeMs: Readonly<Record<Timeframe, number>> = Object.freeze({
  '1m': minute,
  '5m': 5 * minute,
  '15m': 15 * minute,
  '30m': 30 * minute,
  '1h': 60 * minute,
  '4h': 240 * minute,
  '1d': 1440 * minute,
});

/**
 * Whether `value` is one of {@link timeframes}.
 *
 * @example
 * isTimeframe('4h'); // true
 * isTimeframe('2h'); // false
 */
export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && Object.hasOwn(timeframeMs, value);
}
