import type { Candle } from '@ballast/protocol';

/**
 * A valid closed 1m candle, the `i`-th minute after 2026-01-05 09:30 UTC.
 *
 * @example
 * nc.publish('md.candle.1m.AAPL', encodeCandle(testCandle(0)));
 */
export function testCandle(i: number, symbol = 'AAPL'): Candle {
  return {
    v: 1,
    symbol,
    tf: '1m',
    start: Date.UTC(2026, 0, 5, 9, 30) + i * 60_000,
    open: 10,
    high: 11,
    low: 9,
    close: 10.5 + i / 100,
    volume: 100,
    trades: 3,
    closed: true,
  };
}
