import { decodeSnapshot, encodeSnapshot, type Tick } from '@ballast/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymbolBook, type SymbolBookSnapshot } from './SymbolBook.js';

const t0 = Date.UTC(2026, 10, 23, 9, 30); // on a 1m, 5m, 15m, 30m and 1h boundary
const minute = 60_000;

function tick(ts: number, price: number, size = 1, openInterest?: number): Tick {
  return { v: 1, symbol: 'AAPL', price, size, ts, source: 'test', sourceSeq: 0, openInterest };
}

function roundTrip(book: SymbolBook): SymbolBook {
  return SymbolBook.restore(decodeSnapshot(encodeSnapshot(book.snapshot())) as SymbolBookSnapshot);
}

describe('SymbolBook', () => {
  it('folds ticks into OHLCV candles by event time', () => {
    const book = new SymbolBook('AAPL');
    book.apply(tick(t0 + 1_000, 100, 2), 1);
    book.apply(tick(t0 + 2_000, 105, 1), 2);
    book.apply(tick(t0 + 3_000, 98, 3), 3);
    book.apply(tick(t0 + 4_000, 101, 1), 4);
    expect(book.windows['1m'].candle(0)).toEqual({
      start: t0,
      open: 100,
      high: 105,
      low: 98,
      close: 101,
      volume: 7,
      trades: 4,
    });
    expect(book.windows['1d'].candle(0).start).toBe(Date.UTC(2026, 10, 23));
    expect(book.quote).toEqual({ price: 101, size: 1, ts: t0 + 4_000, seq: 4 });
  });

  it('opens a new candle per bucket and says which timeframes opened one', () => {
    const book = new SymbolBook('AAPL');
    book.apply(tick(t0, 100), 1);
    expect(book.openedMask).toBe(0b1111111);
    book.apply(tick(t0 + minute, 101), 2);
    expect(book.openedMask).toBe(0b0000001); // only 1m: the 5m bucket is the same
    expect(book.windows['1m'].length).toBe(2);
    expect(book.windows['5m'].length).toBe(1);
  });

  it('skips a tick whose sequence was already applied, and counts it', () => {
    const book = new SymbolBook('AAPL');
    expect(book.apply(tick(t0, 100), 5)).toBe('applied');
    expect(book.apply(tick(t0 + 1, 200), 5)).toBe('duplicate');
    expect(book.apply(tick(t0 + 2, 300), 4)).toBe('duplicate');
    expect(book.windows['1m'].candle(0).high).toBe(100);
    expect(book.counters.duplicates).toBe(2);
  });

  it('lets a late tick update an older candle still in the window', () => {
    const book = new SymbolBook('AAPL');
    book.apply(tick(t0, 100), 1);
    book.apply(tick(t0 + minute, 100), 2);
    book.apply(tick(t0 + 30_000, 120, 5), 3); // late, in the first minute
    const first = book.windows['1m'].candle(1);
    expect(first.high).toBe(120);
    expect(first.volume).toBe(6);
    expect(first.close).toBe(100); // a late tick never moves close
    expect(book.quote?.price).toBe(100); // nor the last quote
  });

  it('rejects and counts a tick older than every window', () => {
    const small = { candles: { '1m': 2, '5m': 2, '15m': 2, '30m': 2, '1h': 2, '4h': 2, '1d': 2 } };
    const book = new SymbolBook('AAPL', small);
    for (let d = 0; d < 3; d++) book.apply(tick(t0 + d * 86_400_000, 100), d + 1);
    expect(book.apply(tick(t0 - 10 * 86_400_000, 50), 10)).toBe('too-old');
    expect(book.counters.tooOld).toBe(1);
    expect(book.lastAppliedSeq).toBe(10); // its sequence is consumed: replay must not retry it
  });

  it('never holds more candles than each window allows', () => {
    const book = new SymbolBook('AAPL', { candles: { '1m': 100 } });
    for (let i = 0; i < 1_000; i++) book.apply(tick(t0 + i * minute, 100 + (i % 7)), i + 1);
    expect(book.windows['1m'].length).toBe(100);
    expect(book.windows['1m'].candle(99).start).toBe(t0 + 900 * minute);
    expect(book.windows['1h'].length).toBe(18); // 09:30 + 999 min spans 18 hours
  });

  it('keeps one open-interest sample per 5 minutes, newest reading wins, bounded', () => {
    const book = new SymbolBook('AAPL', { openInterestCapacity: 3 });
    book.apply(tick(t0, 100, 1, 10), 1);
    book.apply(tick(t0 + minute, 100, 1, 11), 2);
    expect(book.openInterestLength).toBe(1);
    expect(book.openInterest(0)).toEqual({ start: t0, value: 11 });
    for (let i = 1; i <= 5; i++) book.apply(tick(t0 + i * 5 * minute, 100, 1, 20 + i), 2 + i);
    expect(book.openInterestLength).toBe(3);
    expect(book.openInterest(0).value).toBe(25);
    book.apply(tick(t0, 100, 1, 99), 20); // an older bucket: ignored, counted
    expect(book.counters.lateOpenInterest).toBe(1);
  });

  it('survives a snapshot round trip through the codec with the same digest', () => {
    const book = new SymbolBook('AAPL');
    for (let i = 0; i < 500; i++)
      book.apply(tick(t0 + i * 7_919, 100 + Math.sin(i), i % 5, i * 10), i + 1);
    const restored = roundTrip(book);
    expect(restored.digest()).toBe(book.digest());
    expect(restored.lastAppliedSeq).toBe(500);
    expect(restored.counters).toEqual(book.counters);
  });

  it('digests differ when any candle differs', () => {
    const a = new SymbolBook('AAPL');
    const b = new SymbolBook('AAPL');
    a.apply(tick(t0, 100), 1);
    b.apply(tick(t0, 100.000001), 1);
    expect(a.digest()).not.toBe(b.digest());
    expect(a.digest()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same digest whatever the snapshot/replay split (property)', () => {
    const tickArb = fc.record({
      offset: fc.integer({ min: -3 * 3_600_000, max: 48 * 3_600_000 }),
      price: fc.double({ min: 1, max: 1_000, noNaN: true }),
      size: fc.integer({ min: 0, max: 1_000 }),
      oi: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(tickArb, { minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        (raw, cut, overlap) => {
          const events = raw.map((r, i) => ({
            tick: tick(t0 + r.offset, r.price, r.size, r.oi),
            seq: i + 1,
          }));
          const options = { candles: { '1m': 50, '5m': 40, '15m': 30 } };
          const clean = new SymbolBook('AAPL', options);
          for (const e of events) clean.apply(e.tick, e.seq);

          const split = cut % (events.length + 1);
          const before = new SymbolBook('AAPL', options);
          for (const e of events.slice(0, split)) before.apply(e.tick, e.seq);
          const recovered = roundTrip(before);
          // Replay starts anywhere at or before the snapshot: already-applied events are skipped.
          const from = Math.max(0, split - (overlap % 20));
          for (const e of events.slice(from)) recovered.apply(e.tick, e.seq);
          expect(recovered.digest()).toBe(clean.digest());
        },
      ),
      { numRuns: 200 },
    );
  });
});
