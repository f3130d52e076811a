import type { Candle } from '@ballast/streams';
import { formatValues } from './formatValues.js';
import { textTable } from './textTable.js';

/**
 * Candles as a table, newest first, whatever order they come in (a query reply lists them
 * oldest first).
 *
 * @example
 * renderCandleTable(reply.candles);
 * // │ start                    │ open │ high │ low │ close │ volume │ trades │
 */
export function renderCandleTable(candles: readonly Candle[]): string {
  const rows = [...candles]
    .sort((a, b) => b.start - a.start)
    .map((c) => [
      formatValues.time(c.start),
      formatValues.number(c.open),
      formatValues.number(c.high),
      formatValues.number(c.low),
      formatValues.number(c.close),
      formatValues.number(c.volume),
      c.trades,
    ]);
  return textTable(['start', 'open', 'high', 'low', 'close', 'volume', 'trades'], rows, {
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
}
