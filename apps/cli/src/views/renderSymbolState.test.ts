import type { SymbolQueryReply } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { renderCandleTable } from './renderCandleTable.js';
import { renderSymbolState } from './renderSymbolState.js';

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 14, 30);
const candle = (i: number) => ({
  start: t0 + i * minute,
  open: 100 + i,
  high: 110 + i,
  low: 90 + i,
  close: 105 + i,
  volume: 0.1 + 0.2 + i,
  trades: 10 + i,
});

const reply: SymbolQueryReply = {
  v: 1,
  kind: 'symbol',
  found: true,
  symbol: 'AAPL',
  worker: 'w1',
  partition: 3,
  lifecycle: 'live',
  lastAppliedSeq: 420,
  digest: '0123456789abcdef',
  quote: { price: 187.25, size: 100, ts: t0 + 2 * minute, seq: 420 },
  tf: '1m',
  // A reply lists candles oldest first.
  candles: [candle(0), candle(1), candle(2)],
  openInterest: null,
};

describe('renderCandleTable', () => {
  it('lists candles newest first with every field', () => {
    const rows = renderCandleTable(reply.candles)
      .split('\n')
      .filter((line) => line.includes('2026-'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('2026-01-05T14:32:00.000Z');
    expect(rows[2]).toContain('2026-01-05T14:30:00.000Z');
    expect(rows[0]?.split('│').map((cell) => cell.trim())).toEqual([
      '',
      '2026-01-05T14:32:00.000Z',
      '102',
      '112',
      '92',
      '107',
      '2.3',
      '12',
      '',
    ]);
  });
});

describe('renderSymbolState', () => {
  it('prints the header then the candles', () => {
    const text = renderSymbolState(reply);
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'AAPL  live  worker w1  partition 3',
      'lastAppliedSeq  420',
      'digest          0123456789abcdef',
      'last quote      187.25 x 100 at 2026-01-05T14:32:00.000Z (seq 420)',
      'open interest   -',
      'candles 1m      3 (newest first)',
    ]);
    expect(text).toContain('│ start');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('prints no table when there are no candles', () => {
    const text = renderSymbolState({ ...reply, candles: [], openInterest: 1234 });
    expect(text).toContain('open interest   1234');
    expect(text).toContain('candles 1m      0 (newest first)');
    expect(text).not.toContain('│');
  });
});
