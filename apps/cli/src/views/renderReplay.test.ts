import { describe, expect, it } from 'vitest';
import type { SymbolFoldResult } from '../cluster/queries/SymbolLogFold.js';
import { renderFoldSummary, renderReplayEvents } from './renderReplay.js';

const ts = Date.UTC(2026, 0, 5, 14, 30);
const tick = {
  v: 1 as const,
  symbol: 'AAPL',
  price: 187.25,
  size: 100,
  ts,
  source: 'sim-p03',
  sourceSeq: 17,
};

describe('renderReplayEvents', () => {
  it('shows seq, time, price, size, source:sourceSeq and outcome in log order', () => {
    const rows = renderReplayEvents([
      { seq: 41, tick, outcome: 'applied' },
      { seq: 42, tick: { ...tick, sourceSeq: 17 }, outcome: 'duplicate' },
      { seq: 43, tick: null, outcome: 'decode_failed' },
    ])
      .split('\n')
      .filter((line) => /^│ +\d/.test(line))
      .map((line) =>
        line
          .split('│')
          .map((cell) => cell.trim())
          .slice(1, -1),
      );
    expect(rows).toEqual([
      ['41', '2026-01-05T14:30:00.000Z', '187.25', '100', 'sim-p03:17', 'applied'],
      ['42', '2026-01-05T14:30:00.000Z', '187.25', '100', 'sim-p03:17', 'duplicate'],
      ['43', '-', '-', '-', '-', 'decode_failed'],
    ]);
  });
});

describe('renderFoldSummary', () => {
  const fold: SymbolFoldResult = {
    symbol: 'AAPL',
    digest: 'feedfacecafebeef',
    lastAppliedSeq: 43,
    quote: { price: 187.25, size: 100, ts, seq: 41 },
    events: 3,
    applied: 1,
    skipped: { duplicate: 1, decode_failed: 1 },
  };

  it('summarises the fold and says when only the tail was shown', () => {
    const text = renderFoldSummary(fold, { subject: 'md.tick.3.AAPL', endSeq: 43, shown: 2 });
    expect(text.split('\n')).toEqual([
      'AAPL: 3 events on md.tick.3.AAPL up to seq 43 (last 2 shown)',
      'applied         1',
      'skipped         duplicate 1, decode_failed 1',
      'lastAppliedSeq  43',
      'digest          feedfacecafebeef',
      'last quote      187.25 x 100 at 2026-01-05T14:30:00.000Z (seq 41)',
      '',
    ]);
  });

  it('does not mention a tail when every event was shown', () => {
    const text = renderFoldSummary(
      { ...fold, skipped: {} },
      { subject: 's', endSeq: 43, shown: 3 },
    );
    expect(text).not.toContain('shown');
    expect(text).toContain('skipped         0');
  });
});
