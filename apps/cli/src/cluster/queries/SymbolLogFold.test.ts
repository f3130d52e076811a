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
    // A feed's resend of sourceSeq 1 after the stream's duplicate window.
    expect(fold.apply(5, subject, encodeTick(tick(1))).outcome).toBe('duplicate');
    expect(fold.apply(6, subject, encodeTick(tick(3, { symbol: 'MSFT' }))).outcome).toBe(
      'schema_violation',
    );
    const after = fold.result();
    expect(after.digest).toBe(before);
    expect(after.skipped).toEqual({
      decode_failed: 1,
      bad_subject: 1,
      duplicate: 1,
      schema_violation: 1,
    });
    expect(after.events).toBe(6);
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

  it('applies a late tick long after it, though other symbols made many gaps in its source', () => {
    // This symbol's sourceSeqs are every 5th of its source: a worker (seeing all symbols)
    // has no gap there; the fold sees 4 missing seqs per tick and must remember them all.
    const fold = new SymbolLogFold('AAPL', P);
    let seq = 1;
    for (let i = 1; i <= 500; i++) fold.apply(seq++, subject, encodeTick(tick(i * 5)));
    const late = fold.apply(seq++, subject, encodeTick(tick(7)));
    expect(late.outcome).toBe('applied');
    const narrow = new SymbolLogFold('AAPL', P, { maxGapRanges: 64 });
    seq = 1;
    for (let i = 1; i <= 500; i++) narrow.apply(seq++, subject, encodeTick(tick(i * 5)));
    expect(narrow.apply(seq++, subject, encodeTick(tick(7))).outcome).toBe('duplicate');
  });
});
