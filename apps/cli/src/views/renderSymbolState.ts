import type { SymbolQueryReply } from '@ballast/runtime';
import { formatValues } from './formatValues.js';
import { renderCandleTable } from './renderCandleTable.js';

/**
 * `ballast query`'s pretty output: a header with the owning actor's state, then its candles,
 * newest first.
 *
 * @example
 * process.stdout.write(renderSymbolState(reply));
 * // AAPL  live  worker w1  partition 3
 * // lastAppliedSeq  420
 * // ...
 */
export function renderSymbolState(reply: SymbolQueryReply): string {
  const lines = [
    `${reply.symbol}  ${reply.lifecycle}  worker ${reply.worker}  partition ${reply.partition}`,
    `lastAppliedSeq  ${reply.lastAppliedSeq}`,
    `digest          ${reply.digest || '-'}`,
    `last quote      ${formatValues.quote(reply.quote)}`,
    `open interest   ${reply.openInterest ?? '-'}`,
    `candles ${reply.tf}      ${reply.candles.length} (newest first)`,
  ];
  if (reply.candles.length > 0) lines.push(renderCandleTable(reply.candles));
  return `${lines.join('\n')}\n`;
}
