import { encodeTick } from '@ballast/protocol';
import type { TickFields } from '@ballast/runtime';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Instrument, instrumentUniverse } from './instrumentUniverse.js';
import { MarketSimulator } from './MarketSimulator.js';

const now = Date.UTC(2026, 5, 10, 13, 30);

function run(seed: number, count: number, symbols = 200): TickFields[] {
  const instruments = instrumentUniverse({ count: symbols, seed, now });
  const sim = new MarketSimulator({ instruments, seed });
  return Array.from({ length: count }, (_, i) => sim.next(now + i));
}

describe('MarketSimulator', () => {
  it('gives the same ticks for the same seed and timestamps, other ticks for another seed', () => {
    const a = run(1, 10_000);
    expect(run(1, 10_000)).toEqual(a);
    const b = run(2, 10_000);
    expect(b.map((t) => t.symbol)).not.toEqual(a.map((t) => t.symbol));
    // Same instruments, other tick seed: the symbol sequence differs too.
    const instruments = instrumentUniverse({ count: 200, seed: 1, now });
    const other = new MarketSimulator({ instruments, seed: 99 });
    const c = Array.from({ length: 1_000 }, (_, i) => other.next(now + i));
    expect(c.map((t) => t.symbol)).not.toEqual(a.slice(0, 1_000).map((t) => t.symbol));
  });

  it('keeps prices positive and finite over 100,000 ticks, every tick valid for the protocol', () => {
    const ticks = run(11, 100_000, 500);
    let options = 0;
    for (const t of ticks) {
      expect(t.price > 0 && Number.isFinite(t.price)).toBe(true);
      expect(t.size >= 0 && Number.isFinite(t.size)).toBe(true);
      if (t.openInterest !== undefined) options++;
      encodeTick({ v: 1, ...t, source: 'sim-p00', sourceSeq: 0 });
    }
    expect(options).toBeGreaterThan(0);
  });

  it('keeps prices positive and finite for any seed and extreme volatility (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (seed, startPrice, volatility) => {
          const instruments: Instrument[] = [
            { symbol: 'X', kind: 'crypto', startPrice, volatility, activity: 1, expiresAt: null },
            { symbol: 'Y', kind: 'equity', startPrice, volatility, activity: 3, expiresAt: null },
          ];
          const sim = new MarketSimulator({ instruments, seed });
          for (let i = 0; i < 2_000; i++) {
            const { price } = sim.next(now);
            if (!(price > 0 && price < Number.POSITIVE_INFINITY)) return false;
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('picks symbols by activity: hot ones get most ticks', () => {
    const instruments: Instrument[] = [
      {
        symbol: 'HOT',
        kind: 'equity',
        startPrice: 10,
        volatility: 0.001,
        activity: 8,
        expiresAt: null,
      },
      {
        symbol: 'WARM',
        kind: 'equity',
        startPrice: 10,
        volatility: 0.001,
        activity: 2,
        expiresAt: null,
      },
      {
        symbol: 'COLD',
        kind: 'equity',
        startPrice: 10,
        volatility: 0.001,
        activity: 0,
        expiresAt: null,
      },
    ];
    const sim = new MarketSimulator({ instruments, seed: 4 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const { symbol } = sim.next(now);
      counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect((counts.get('HOT') ?? 0) / 50_000).toBeCloseTo(0.8, 1);
    expect((counts.get('WARM') ?? 0) / 50_000).toBeCloseTo(0.2, 1);
    expect(counts.get('COLD')).toBeUndefined();
  });

  it('stops ticking an option once its expiry has passed, and counts it', () => {
    const expiresAt = now + 1_000;
    const instruments: Instrument[] = [
      {
        symbol: 'AAPL',
        kind: 'equity',
        startPrice: 10,
        volatility: 0.001,
        activity: 1,
        expiresAt: null,
      },
      {
        symbol: 'AAPL-20260610-C10',
        kind: 'option',
        startPrice: 1,
        volatility: 0.001,
        activity: 1,
        expiresAt,
      },
    ];
    const sim = new MarketSimulator({ instruments, seed: 1 });
    const before = Array.from({ length: 200 }, () => sim.next(expiresAt - 1));
    const option = before.filter((t) => t.symbol === 'AAPL-20260610-C10');
    expect(option.length).toBeGreaterThan(50);
    for (const t of option) expect(Number.isInteger(t.openInterest)).toBe(true);
    const after = Array.from({ length: 200 }, () => sim.next(expiresAt));
    expect(after.every((t) => t.symbol === 'AAPL')).toBe(true);
    expect(sim.counters.expired).toBe(1);
    expect(sim.liveCount).toBe(1);
    expect(sim.counters.ticks).toBe(400);
  });
});
