import { assertInstrumentSymbol } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { instrumentRecords, instrumentUniverse, maxUniverseSize } from './instrumentUniverse.js';

const now = Date.UTC(2026, 5, 10, 13, 30);
const hourMs = 3_600_000;

describe('instrumentUniverse', () => {
  it('gives the same list for the same seed, count and day, and another for another seed', () => {
    const a = instrumentUniverse({ count: 500, seed: 1, now });
    expect(instrumentUniverse({ count: 500, seed: 1, now: now + 5 * hourMs })).toEqual(a);
    const b = instrumentUniverse({ count: 500, seed: 2, now });
    expect(b.map((i) => i.symbol)).not.toEqual(a.map((i) => i.symbol));
    expect(b.map((i) => i.startPrice)).not.toEqual(a.map((i) => i.startPrice));
  });

  it('makes distinct symbols that are subject tokens and KV keys, ~10% options with expiries', () => {
    const list = instrumentUniverse({ count: 2_000, seed: 7, now });
    expect(list).toHaveLength(2_000);
    expect(new Set(list.map((i) => i.symbol)).size).toBe(2_000);
    for (const i of list) {
      expect(() => assertInstrumentSymbol(i.symbol)).not.toThrow();
      expect(i.symbol).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(i.startPrice).toBeGreaterThan(0);
      expect(i.volatility).toBeGreaterThan(0);
      expect(i.activity).toBeGreaterThan(0);
    }
    const options = list.filter((i) => i.kind === 'option');
    expect(options).toHaveLength(200);
    for (const o of options) {
      expect(o.symbol).toMatch(/^[A-Z0-9-]+-\d{8}-[CP]\d+$/);
      expect(o.expiresAt).not.toBeNull();
      // The date in the symbol is the UTC day of expiry.
      const day = new Date(o.expiresAt as number).toISOString().slice(0, 10).replaceAll('-', '');
      expect(o.symbol).toContain(`-${day}-`);
    }
    for (const i of list.filter((x) => x.kind !== 'option')) expect(i.expiresAt).toBeNull();
    expect(list.filter((i) => i.kind === 'crypto').length).toBe(360);
    expect(list.map((i) => i.symbol)).toEqual(expect.arrayContaining(['AAPL', 'BTC-USD', 'S0042']));
    // Expiry is visible in a demo: some options expire within the next day.
    const soon = options.filter(
      (o) => (o.expiresAt as number) > now && (o.expiresAt as number) < now + 24 * hourMs,
    );
    expect(soon.length).toBeGreaterThan(10);
  });

  it('has a few hot symbols and a quiet tail', () => {
    const list = instrumentUniverse({ count: 1_000, seed: 3, now });
    const weights = list.map((i) => i.activity).sort((a, b) => b - a);
    const total = weights.reduce((s, w) => s + w, 0);
    const top5pct = weights.slice(0, 50).reduce((s, w) => s + w, 0);
    expect(top5pct / total).toBeGreaterThan(0.5);
    expect(weights[500] as number).toBeLessThan((weights[0] as number) / 100);
  });

  it('refuses counts outside 1..maxUniverseSize; tiny universes have no options', () => {
    expect(() => instrumentUniverse({ count: 0, seed: 1, now })).toThrow(RangeError);
    expect(() => instrumentUniverse({ count: maxUniverseSize + 1, seed: 1, now })).toThrow(
      RangeError,
    );
    expect(instrumentUniverse({ count: 1, seed: 1, now }).map((i) => i.symbol)).toEqual(['AAPL']);
    expect(instrumentUniverse({ count: 4, seed: 1, now }).some((i) => i.kind === 'option')).toBe(
      false,
    );
  });
});

describe('instrumentRecords', () => {
  it('gives registry records for the universe, without the ones already expired', () => {
    const late = Date.UTC(2026, 5, 10, 23, 0);
    const list = instrumentUniverse({ count: 1_000, seed: 5, now: late });
    const records = instrumentRecords({ count: 1_000, seed: 5, now: late });
    const expired = list.filter((i) => i.expiresAt !== null && i.expiresAt <= late);
    expect(expired.length).toBeGreaterThan(0);
    expect(records).toHaveLength(1_000 - expired.length);
    for (const r of records) {
      expect(r.addedAt).toBe(late);
      expect(r.expiresAt === null || r.expiresAt > late).toBe(true);
    }
    expect(records.map((r) => r.symbol)).toEqual(
      list.filter((i) => !expired.includes(i)).map((i) => i.symbol),
    );
  });
});
