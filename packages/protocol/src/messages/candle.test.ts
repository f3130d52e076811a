import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { candle, plainPack } from '../../test/fixtures.js';
import { timeframeMs, timeframes } from '../timeframes.js';
import { decodeCandle, encodeCandle } from './candle.js';

function decodeWith(changes: Record<string, unknown>) {
  return catchProtocolError(() => decodeCandle(plainPack({ ...candle, ...changes })));
}

describe('encodeCandle / decodeCandle', () => {
  it('round-trips a candle of every timeframe', () => {
    for (const tf of timeframes) {
      const start = 1_699_920_000_000; // 2023-11-14T00:00Z, a multiple of every duration
      const c = { ...candle, tf, start, closed: true };
      expect(decodeCandle(encodeCandle(c))).toEqual(c);
    }
  });

  it('accepts a flat candle (all four prices equal)', () => {
    const flat = { ...candle, open: 5, high: 5, low: 5, close: 5, volume: 0, trades: 0 };
    expect(decodeCandle(encodeCandle(flat))).toEqual(flat);
  });

  it.each([
    ['tf', '2h', 'one of 1m, 5m, 15m, 30m, 1h, 4h, 1d'],
    ['start', candle.start + 1, `a multiple of ${timeframeMs['1m']} ms`],
    ['open', 0, 'a finite number > 0'],
    ['high', 187.3, '>= open, close and low'],
    ['low', 187.3, '<= open and close'],
    ['close', Number.NaN, 'got NaN'],
    ['volume', -1, 'a finite number >= 0'],
    ['trades', 1.5, 'an integer from 0'],
    ['closed', 1, 'true or false'],
    ['symbol', 'A*', "wildcard '*'"],
  ])('refuses %s = %s', (field, value, rule) => {
    const error = decodeWith({ [field]: value });
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe(field);
    expect(error.message).toContain(rule);
    expect(catchProtocolError(() => encodeCandle({ ...candle, [field]: value })).field).toBe(field);
  });

  it('refuses a low above the close even when it is below the open', () => {
    const error = decodeWith({ open: 187.25, close: 187, low: 187.1, high: 187.5 });
    expect(error.field).toBe('low');
    expect(error.message).toContain('<= open and close (187.25, 187)');
  });

  it('refuses a 1d candle that does not start at midnight UTC', () => {
    const error = decodeWith({ tf: '1d', start: 1_699_920_000_000 + 3_600_000 });
    expect(error.field).toBe('start');
    expect(error.message).toContain('1d period');
  });

  it('refuses an unknown field', () => {
    expect(decodeWith({ vwap: 187.3 }).field).toBe('vwap');
  });
});
