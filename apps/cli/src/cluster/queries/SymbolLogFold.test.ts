import { SymbolBook } from '@ballast/machines';
import { encodeTick, type Tick, tickSubject } from '@ballast/protocol';
import { describe, expect, it } from 'vitest';
import { SymbolLogFold } from './SymbolLogFold.js';

const P = 4;
const t0 = Date.UTC(2026, 0, 5, 14, 30);
const subject = tickSubject('AAPL', P);
const tick = (sourceSeq: number, overrides: Partial<Tick> = {}): Tick => ({
  v: 1,
  symbol: 'AAPL',
  price: 100 + (sourceSeq % 7),
  size: 1 + (sourceSeq % 3),
  ts: t0 + sourceSeq * 1_000,
  source: 'sim-p03',
  sourceSeq,
  ...overrides,
});

describe('SymbolLogFold', () => {
  it('folds admitted ticks into the same book SymbolBook makes', () => {
    const fold = new SymbolLogFold('AAPL', P);
    const book = new SymbolBook('AAPL');
    for (let i = 0; i < 200; i++) {
      const seq = 10 + i * 3;
      expect(fold.apply(seq, subject, encodeTick(tick(i))).outcome).toBe('applied');
      book.apply(tick(i), seq);
    }
    const result = fold.result();
    expect(result).toMatchObject({ events: 200, applied: 200, skipped: {}, lastAppliedSeq: 607 });
    expect(result.digest).toBe(book.digest());
  });

  it('skips what a worker dead-letters, with the reason, without changing the digest', () => {
    const fold = new SymbolLogFold('AAPL', P);
    fold.apply(1, subject, encodeTick(tick(0)));
    fold.apply(2, subject, encodeTick(tick(1)));
    const before = fold.result().digest;
    const wrongPartition = `md.tick.${(Number(subject.split('.')[2]) + 1) % P}.AAPL`;
    expect(fold.apply(3, subject, new Uint8Array([0xc1])).outcome).toBe('decode_failed');
    expect(fold.apply(4, wrongPartition, encodeTick(tick(2))).outcome).toBe('bad_subject');
    expect(fold.apply(6, subject, encodeTick(tick(3, { symbol: 'MSFT' }))).outcome).toBe(
      'schema_violation',
    );
    const after = fold.result();
    expect(after.digest).toBe(before);
    expect(after.skipped).toEqual({
      decode_failed: 1,
      bad_subject: 1,
      schema_violation: 1,
    });
    expect(after.events).toBe(5);
  });

  it('counts a tick older than every window as too_old, advancing the sequence like a worker', () => {
    const fold = new SymbolLogFold('AAPL', P, {
      book: { candles: { '1m': 1, '5m': 1, '15m': 1, '30m': 1, '1h': 1, '4h': 1, '1d': 1 } },
    });
    fold.apply(1, subject, encodeTick(tick(0, { ts: Date.UTC(2026, 0, 10) })));
    const old = fold.apply(2, subject, encodeTick(tick(1, { ts: Date.UTC(2025, 0, 1) })));
    expect(old.outcome).toBe('too_old');
    expect(fold.result().lastAppliedSeq).toBe(2);
  });

  it('applies a resent sourceSeq and a late one, as a worker does (its tracker only reports)', () => {
    const fold = new SymbolLogFold('AAPL', P);
    const book = new SymbolBook('AAPL');
    const logged = [tick(5), tick(10), tick(5, { price: 999 }), tick(7)];
    logged.forEach((t, i) => {
      expect(fold.apply(i + 1, subject, encodeTick(t)).outcome).toBe('applied');
      book.apply(t, i + 1);
    });
    expect(fold.result().digest).toBe(book.digest());
  });
});
