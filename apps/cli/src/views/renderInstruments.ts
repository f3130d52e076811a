import type { InstrumentRecord } from '@ballast/runtime';
import { formatValues } from './formatValues.js';
import { textTable } from './textTable.js';

/**
 * The instrument registry as a table, in the order given (the registry sorts by symbol).
 * An expired instrument stays in KV until removed; `now` marks it.
 *
 * @example
 * renderInstruments(await registry.list(), Date.now());
 */
export function renderInstruments(records: readonly InstrumentRecord[], now: number): string {
  if (records.length === 0)
    return 'no instruments registered (add one: ballast instruments add <SYMBOL>)\n';
  const rows = records.map((r) => [
    r.symbol,
    r.expiresAt === null
      ? 'never'
      : `${formatValues.time(r.expiresAt)}${r.expiresAt <= now ? ' (expired)' : ''}`,
    formatValues.time(r.addedAt),
  ]);
  return `${textTable(['symbol', 'expires', 'added'], rows)}\n${records.length} instrument${records.length === 1 ? '' : 's'}\n`;
}
