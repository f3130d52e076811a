import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleCounters } from './CandleCounters.js';
import { type Candle, type CandleApplyResult, CandleWindow } from './CandleWindow.js';
import { InvalidOptionError, RingSnapshotError } from './errors.js';

const candle = (start: number, o: number, h: number, l: number, c: number, v: number, n: number) =>
  ({ start, open: o, high: h, low: l, close: c, volume: v, trades: n }) satisfies Candle;

// Reference: the late-tick rule restated on a sorted array of candle objects.
class ReferenceCandles {
  readonly candles: Candle[] = [];
  readonly counts = new Map<CandleApplyResult, number>();
  lastTickMs = Number.NEGATIVE_INFINITY;
  constructor(
    readonly capacity: number,
    readonly bucketMs: number,
  ) {}

  apply(ts: number, price: number, size: number): CandleApplyResult {
    const result = this.fold(ts, price, size);
    this.counts.set(result, (this.counts.get(result) ?? 0) + 1);
    return result;
  }

  private fold(ts: number, price: number, size: number): CandleApplyResult {
    if (![ts, price, size].every(Number.isFinite) || size < 0) return 'rejected-invalid';
    const start = Math.floor(ts / this.bucketMs) * this.bucketMs;
    const held = this.candles.find((c) => c.start === start);
    if (held) {
      held.high = Math.max(held.high, price);
      held.low = Math.min(held.low, price);
      held.volume += size;
      held.trades += 1;
      if (ts < this.lastTickMs) return 'late-updated';
      this.lastTickMs = ts;
      held.close = price;
      return 'updated';
    }
    const full = this.candles.length === this.capacity;
    const oldest = this.candles[0];
    if (full && oldest && start < oldest.start) return 'rejected-too-old';
    const newest = this.candles.at(-1);
    const opens = !newest || start > newest.start;
    this.candles.push(candle(start, price, price, price, price, size, 1));
    this.candles.sort((a, b) => a.start - b.start);
    if (this.candles.length > this.capacity) this.candles.shift();
    if (!opens) return 'late-inserted';
    this.lastTickMs = Math.max(this.lastTickMs, ts);
    return 'opened';
  }
}

function countsOf(counters: CandleCounters): Record<string, number> {
  return {
    opened: counters.opened,
    updated: counters.updated,
    'late-updated': counters.lateUpdated,
    'late-inserted': counters.lateInserted,
    'rejected-too-old': counters.rejectedTooOld,
    'rejected-invalid': counters.rejectedInvalid,
  };
}

describe('CandleWindow', () => {
  it('opens a bucket, updates it, and opens the next', () => {
    const w = new CandleWindow({ capacity: 3, bucketMs: 60_000 });
    expect(w.apply(60_000, 10, 1)).toBe('opened');
    expect(w.apply(61_000, 12, 2)).toBe('updated');
    expect(w.apply(62_000, 9, 1)).toBe('updated');
    expect(w.apply(120_000, 11, 5)).toBe('opened');
    expect(w.toArray()).toEqual([
      candle(60_000, 10, 12, 9, 9, 4, 3),
      candle(120_000, 11, 11, 11, 11, 5, 1),
    ]);
    expect(w.candle(0).close).toBe(11);
    expect(w.get('volume', 1)).toBe(4);
  });

  it('overwrites the oldest candle when full', () => {
    const w = new CandleWindow({ capacity: 2, bucketMs: 10 });
    for (const ts of [0, 10, 20]) w.apply(ts, ts, 1);
    expect(w.toArray().map((c) => c.start)).toEqual([10, 20]);
  });

  it('a late tick updates an older candle, but not its open or close', () => {
    const w = new CandleWindow({ capacity: 3, bucketMs: 10 });
    w.apply(0, 5, 1);
    w.apply(5, 6, 1);
    w.apply(10, 7, 1);
    expect(w.apply(3, 1, 2)).toBe('late-updated');
    expect(w.apply(4, 9, 2)).toBe('late-updated');
    expect(w.toArray()[0]).toEqual(candle(0, 5, 9, 1, 6, 6, 4));
  });

  it('a late tick within the newest candle does not move its close', () => {
    const w = new CandleWindow({ capacity: 3, bucketMs: 10 });
    w.apply(5, 5, 1);
    expect(w.apply(3, 4, 1)).toBe('late-updated');
    expect(w.candle(0)).toEqual(candle(0, 5, 5, 4, 5, 2, 2));
  });

  it('a late tick for a gap inserts the missing candle in order', () => {
    const w = new CandleWindow({ capacity: 4, bucketMs: 10 });
    w.apply(0, 1, 1);
    w.apply(30, 4, 1);
    expect(w.apply(15, 2, 1)).toBe('late-inserted');
    expect(w.toArray().map((c) => c.start)).toEqual([0, 10, 30]);
  });

  it('a gap insert into a full window drops the oldest candle', () => {
    const w = new CandleWindow({ capacity: 3, bucketMs: 10 });
    for (const ts of [0, 10, 40]) w.apply(ts, 1, 1);
    expect(w.apply(25, 2, 1)).toBe('late-inserted');
    expect(w.toArray().map((c) => c.start)).toEqual([10, 20, 40]);
  });

  it('rejects and counts a tick older than the oldest candle of a full window', () => {
    const counters = new CandleCounters();
    const w = new CandleWindow({ capacity: 2, bucketMs: 10, counters });
    w.apply(20, 1, 1);
    w.apply(30, 1, 1);
    expect(w.apply(19, 1, 1)).toBe('rejected-too-old');
    expect(counters.rejectedTooOld).toBe(1);
    expect(w.toArray().map((c) => c.start)).toEqual([20, 30]);
  });

  it('prepends a tick older than the oldest candle while there is room', () => {
    const w = new CandleWindow({ capacity: 3, bucketMs: 10 });
    w.apply(20, 1, 1);
    expect(w.apply(5, 2, 1)).toBe('late-inserted');
    expect(w.toArray().map((c) => c.start)).toEqual([0, 20]);
  });

  it('rejects and counts invalid ticks', () => {
    const w = new CandleWindow({ capacity: 2, bucketMs: 10 });
    expect(w.apply(Number.NaN, 1, 1)).toBe('rejected-invalid');
    expect(w.apply(1, Number.POSITIVE_INFINITY, 1)).toBe('rejected-invalid');
    expect(w.apply(1, 1, -1)).toBe('rejected-invalid');
    expect(w.counters.rejectedInvalid).toBe(3);
    expect(w.length).toBe(0);
  });

  it('costs 56 bytes a candle', () => {
    expect(new CandleWindow({ capacity: 1440, bucketMs: 60_000 }).bytesPerEntry()).toBe(56);
  });

  it('restores from a snapshot and goes on as if never stopped', () => {
    const a = new CandleWindow({ capacity: 3, bucketMs: 10 });
    for (const ts of [0, 10, 20, 30, 35]) a.apply(ts, ts, 1);
    const b = CandleWindow.restore(a.snapshot());
    expect(b.toArray()).toEqual(a.toArray());
    // lastTickMs came along: 33 is late in both.
    expect(b.apply(33, 100, 1)).toBe(a.apply(33, 100, 1));
    expect(b.apply(40, 1, 1)).toBe(a.apply(40, 1, 1));
    expect(b.toArray()).toEqual(a.toArray());
  });

  it('refuses snapshots that are not a candle window', () => {
    const w = new CandleWindow({ capacity: 2, bucketMs: 10 });
    w.apply(0, 1, 1);
    w.apply(10, 1, 1);
    const good = w.snapshot();
    expect(() => CandleWindow.restore({ ...good, bucketMs: 0 })).toThrow(RingSnapshotError);
    expect(() => CandleWindow.restore({ ...good, fields: ['start'] })).toThrow(
      'not a candle window snapshot',
    );
    const swapped = { ...good.columns, start: good.columns.start.slice().reverse() };
    expect(() => CandleWindow.restore({ ...good, columns: swapped })).toThrow('starts must ascend');
  });

  it('rejects bad options', () => {
    expect(() => new CandleWindow({ capacity: 0, bucketMs: 1 })).toThrow(InvalidOptionError);
    expect(() => new CandleWindow({ capacity: 1, bucketMs: 0.5 })).toThrow(InvalidOptionError);
  });

  it('in-order ticks give the newest `capacity` buckets of a plain group-by (property)', () => {
    const tick = fc.record({
      dt: fc.integer({ min: 0, max: 25 }),
      price: fc.integer({ min: 1, max: 1000 }),
      size: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(tick, { maxLength: 80 }),
        (cap, ticks) => {
          const w = new CandleWindow({ capacity: cap, bucketMs: 10 });
          const groups = new Map<number, { ts: number; price: number; size: number }[]>();
          let ts = 1000;
          for (const t of ticks) {
            ts += t.dt;
            expect(['opened', 'updated']).toContain(w.apply(ts, t.price, t.size));
            const start = Math.floor(ts / 10) * 10;
            groups.set(start, [...(groups.get(start) ?? []), { ts, ...t }]);
          }
          const expected = [...groups.entries()].slice(-cap).map(([start, g]) =>
            candle(
              start,
              g[0]?.price ?? 0,
              Math.max(...g.map((x) => x.price)),
              Math.min(...g.map((x) => x.price)),
              g.at(-1)?.price ?? 0,
              g.reduce((sum, x) => sum + x.size, 0),
              g.length,
            ),
          );
          expect(w.toArray()).toEqual(expected);
        },
      ),
    );
  });

  it('matches the reference for ticks in any order, also across snapshot/restore (property)', () => {
    const tick = fc.record({
      ts: fc.oneof(
        { weight: 20, arbitrary: fc.integer({ min: 0, max: 200 }) },
        { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) },
      ),
      price: fc.integer({ min: 1, max: 1000 }),
      size: fc.oneof(
        { weight: 20, arbitrary: fc.nat(10) },
        { weight: 1, arbitrary: fc.constant(-1) },
      ),
      restore: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(tick, { maxLength: 80 }),
        (cap, ticks) => {
          const counters = new CandleCounters();
          let w = new CandleWindow({ capacity: cap, bucketMs: 10, counters });
          const model = new ReferenceCandles(cap, 10);
          for (const t of ticks) {
            expect(w.apply(t.ts, t.price, t.size)).toBe(model.apply(t.ts, t.price, t.size));
            expect(w.toArray()).toEqual(model.candles);
            expect(w.length).toBeLessThanOrEqual(cap);
            if (t.restore) w = CandleWindow.restore(w.snapshot(), counters);
          }
          const expectedCounts = Object.fromEntries(
            Object.keys(countsOf(counters)).map((k) => [
              k,
              model.counts.get(k as CandleApplyResult) ?? 0,
            ]),
          );
          expect(countsOf(counters)).toEqual(expectedCounts);
        },
      ),
    );
  });
});
