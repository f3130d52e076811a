import { describe, expect, it } from 'vitest';
import { InspectSelections } from './InspectSelections.js';

describe('InspectSelections', () => {
  it('matches exact, kind-wide and catch-all selections', () => {
    const s = new InspectSelections({ ttlMs: 1_000, maxSelections: 8 });
    expect(s.matches('symbol', 'AAPL', 0)).toBe(false);
    expect(s.enable({ kind: 'symbol', id: 'AAPL' }, 0)).toBe('added');
    expect(s.matches('symbol', 'AAPL', 0)).toBe(true);
    expect(s.matches('symbol', 'MSFT', 0)).toBe(false);
    s.enable({ kind: 'breaker' }, 0);
    expect(s.matches('breaker', 'candleSink', 0)).toBe(true);
    expect(s.matches('reloader', 'w1', 0)).toBe(false);
    s.enable({}, 0);
    expect(s.matches('reloader', 'w1', 0)).toBe(true);
  });

  it('expires a selection ttlMs after its last renewal', () => {
    const s = new InspectSelections({ ttlMs: 1_000, maxSelections: 8 });
    s.enable({ kind: 'symbol', id: 'AAPL' }, 0);
    expect(s.enable({ kind: 'symbol', id: 'AAPL' }, 600)).toBe('renewed');
    expect(s.matches('symbol', 'AAPL', 1_500)).toBe(true);
    expect(s.matches('symbol', 'AAPL', 1_600)).toBe(false);
    // Enabled again after it expired: a new selection (the worker announces again).
    expect(s.enable({ kind: 'symbol', id: 'AAPL' }, 1_700)).toBe('added');
    expect(s.expire(2_699)).toBe(0);
    expect(s.expire(2_700)).toBe(1);
    expect(s.size).toBe(0);
  });

  it('refuses selections beyond its bound', () => {
    const s = new InspectSelections({ ttlMs: 1_000, maxSelections: 2 });
    expect(s.enable({ kind: 'symbol', id: 'A' }, 0)).toBe('added');
    expect(s.enable({ kind: 'symbol', id: 'B' }, 0)).toBe('added');
    expect(s.enable({ kind: 'symbol', id: 'C' }, 0)).toBe('full');
    expect(s.size).toBe(2);
    expect(s.enable({ kind: 'symbol', id: 'A' }, 0)).toBe('renewed');
  });

  it('disables what a selector covers', () => {
    const s = new InspectSelections({ ttlMs: 1_000, maxSelections: 8 });
    s.enable({ kind: 'symbol', id: 'A' }, 0);
    s.enable({ kind: 'symbol', id: 'B' }, 0);
    s.enable({ kind: 'symbol' }, 0);
    s.enable({ kind: 'breaker' }, 0);
    expect(s.disable({ kind: 'symbol', id: 'A' })).toBe(1);
    // symbol/* still covers A.
    expect(s.matches('symbol', 'A', 0)).toBe(true);
    expect(s.disable({ kind: 'symbol' })).toBe(2);
    expect(s.list()).toEqual([{ kind: 'breaker', id: undefined }]);
    expect(s.disable({})).toBe(1);
    expect(s.size).toBe(0);
  });
});
