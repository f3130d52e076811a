import { describe, expect, it } from 'vitest';
import { NaiveCandleFold } from './NaiveCandleFold.js';

const t0 = Date.UTC(2026, 0, 5, 0, 0);

describe('NaiveCandleFold', () => {
  it('opens one candle per timeframe for a new symbol and updates it within the bucket', () => {
    const fold = new NaiveCandleFold();
    fold.apply({ symbol: 'AAPL', price: 10, size: 1, ts: t0 });
    fold.apply({ symbol: 'AAPL', price: 12, size: 2, ts: t0 + 30_000 });
    fold.apply({ symbol: 'AAPL', price: 9, size: 3, ts: t0 + 59_999 });
    expect(fold).toMatchObject({ symbols: 1, candles: 7, ticks: 3 });
  });

  it('keeps every candle and every symbol: nothing is ever evicted', () => {
    const fold = new NaiveCandleFold();
    // A tick a minute for 3 days per symbol: 4,320 1m candles each, all held.
    for (let m = 0; m < 3 * 1_440; m++) {
      for (const symbol of ['A', 'B'])
        fold.apply({ symbol, price: 1, size: 1, ts: t0 + m * 60_000 });
    }
    // Per symbol: 4,320 (1m) + 864 (5m) + 288 (15m) + 144 (30m) + 72 (1h) + 18 (4h) + 3 (1d).
    expect(fold.candles).toBe(2 * (4_320 + 864 + 288 + 144 + 72 + 18 + 3));
    expect(fold.symbols).toBe(2);
  });

  it('folds a late tick into the candle of its own bucket', () => {
    const fold = new NaiveCandleFold();
    fold.apply({ symbol: 'X', price: 10, size: 1, ts: t0 });
    fold.apply({ symbol: 'X', price: 11, size: 1, ts: t0 + 60_000 });
    fold.apply({ symbol: 'X', price: 20, size: 1, ts: t0 + 1_000 }); // late, first minute
    expect(fold.candles).toBe(8); // only the second 1m candle was new
  });
});
