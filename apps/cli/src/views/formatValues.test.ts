import { describe, expect, it } from 'vitest';
import { formatValues } from './formatValues.js';

describe('formatValues', () => {
  it('formats counts with _ separators and - for null', () => {
    expect(formatValues.count(0)).toBe('0');
    expect(formatValues.count(999)).toBe('999');
    expect(formatValues.count(1_234_567)).toBe('1_234_567');
    expect(formatValues.count(-12_345)).toBe('-12_345');
    expect(formatValues.count(null)).toBe('-');
  });

  it('formats rates with one decimal below 100', () => {
    expect(formatValues.rate(12.345)).toBe('12.3');
    expect(formatValues.rate(12_345.6)).toBe('12_346');
    expect(formatValues.rate(null)).toBe('-');
  });

  it('formats bytes in binary units', () => {
    expect(formatValues.bytes(512)).toBe('512 B');
    expect(formatValues.bytes(1536)).toBe('1.5 KiB');
    expect(formatValues.bytes(85 * 1024 * 1024)).toBe('85.0 MiB');
  });

  it('collapses partitions into ranges', () => {
    expect(formatValues.partitions([8, 0, 1, 2, 5, 7])).toBe('0-2,5,7-8');
    expect(formatValues.partitions([3])).toBe('3');
    expect(formatValues.partitions([])).toBe('-');
  });

  it('strips floating-point noise from measured numbers', () => {
    expect(formatValues.number(0.1 + 0.2)).toBe('0.3');
    expect(formatValues.number(187.25)).toBe('187.25');
  });

  it('formats durations, times, quotes and breaker states', () => {
    expect(formatValues.duration(42_000)).toBe('42s');
    expect(formatValues.duration(3_725_000)).toBe('1h 2m');
    expect(formatValues.duration(90_000_000)).toBe('1d 1h');
    expect(formatValues.time(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatValues.quote({ price: 187.25, size: 100, ts: 0, seq: 7 })).toBe(
      '187.25 x 100 at 1970-01-01T00:00:00.000Z (seq 7)',
    );
    expect(formatValues.quote(null)).toBe('-');
    expect([0, 1, 2].map(formatValues.breaker)).toEqual(['closed', 'OPEN', 'half-open']);
  });
});
