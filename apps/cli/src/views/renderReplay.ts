import type { ReplayEvent, SymbolFoldResult } from '../cluster/queries/SymbolLogFold.js';
import { formatValues } from './formatValues.js';
import { textTable } from './textTable.js';

/**
 * Replayed events as a table, in log order: seq, event time, price, size, `source:sourceSeq`
 * and what the fold did with it.
 *
 * @example
 * renderReplayEvents(tail);
 * // │ 41 │ 2026-01-05T14:30:00.000Z │ 187.25 │ 100 │ sim-p03:17 │ applied │
 */
export function renderReplayEvents(events: readonly ReplayEvent[]): string {
  const rows = events.map(({ seq, tick, outcome }) =>
    tick === null
      ? [seq, '-', '-', '-', '-', outcome]
      : [
          seq,
          formatValues.time(tick.ts),
          formatValues.number(tick.price),
          formatValues.number(tick.size),
          `${tick.source}:${tick.sourceSeq}`,
          outcome,
        ],
  );
  return textTable(['seq', 'ts', 'price', 'size', 'source:sourceSeq', 'outcome'], rows, {
    align: ['right', 'left', 'right', 'right', 'left', 'left'],
  });
}

/** Where a replay read, for {@link renderFoldSummary}. */
export interface ReplayScope {
  /** The filter subject read. */
  readonly subject: string;
  /** The sequence the read stopped at (the live actor's, with `--verify`). */
  readonly endSeq: number;
  /** Events shown above the summary (the last `--limit`). */
  readonly shown: number;
}

/**
 * The state folded from the log, as key/value lines.
 *
 * @example
 * renderFoldSummary(fold.result(), { subject: 'md.tick.3.AAPL', endSeq: 420, shown: 20 });
 */
export function renderFoldSummary(fold: SymbolFoldResult, scope: ReplayScope): string {
  const skipped = Object.entries(fold.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `${fold.symbol}: ${fold.events} events on ${scope.subject} up to seq ${scope.endSeq}${
      fold.events > scope.shown ? ` (last ${scope.shown} shown)` : ''
    }`,
    `applied         ${fold.applied}`,
    `skipped         ${skipped === '' ? '0' : skipped}`,
    `lastAppliedSeq  ${fold.lastAppliedSeq}`,
    `digest          ${fold.digest}`,
    `last quote      ${formatValues.quote(fold.quote)}`,
  ];
  return `${lines.join('\n')}\n`;
}
