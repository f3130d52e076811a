import { timeframeMs, timeframes } from '@ballast/protocol';
import { defaultCandleCapacities } from '../src/index.js';

/**
 * The baseline the book is measured against: arrays of candle objects, as many per timeframe
 * as a full `SymbolBook` holds.
 *
 * @example
 * const bytes = retainedBytesPer(() => naiveBook(t0), 50);
 */
export function naiveBook(t0: number): Record<string, object[]> {
  const candles: Record<string, object[]> = {};
  for (const tf of timeframes) {
    candles[tf] = Array.from({ length: defaultCandleCapacities[tf] }, (_, i) => ({
      start: t0 + i * timeframeMs[tf],
      open: 100 + i,
      high: 101 + i,
      low: 99 + i,
      close: 100.5 + i,
      volume: i,
      trades: i,
    }));
  }
  return candles;
}
