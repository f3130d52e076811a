import { describe, expect, it } from 'vitest';
import { isTimeframe, timeframeMs, timeframes } from './timeframes.js';

describe('timeframes', () => {
  it('lists the seven timeframes shortest first', () => {
    expect(timeframes).toEqual(['1m', '5m', '15m', '30m', '1h', '4h', '1d']);
    const durations = timeframes.map((tf) => timeframeMs[tf]);
    expect([...durations].sort((a, b) => a - b)).toEqual(durations);
  });

  it('gives each duration in milliseconds', () => {
    expect(timeframeMs['1m']).toBe(60_000);
    expect(timeframeMs['5m']).toBe(300_000);
    expect(timeframeMs['15m']).toBe(900_000);
    expect(timeframeMs['30m']).toBe(1_800_000);
    expect(timeframeMs['1h']).toBe(3_600_000);
    expect(timeframeMs['4h']).toBe(14_400_000);
    expect(timeframeMs['1d']).toBe(86_400_000);
  });

  it('recognises only listed timeframes', () => {
    for (const tf of timeframes) expect(isTimeframe(tf)).toBe(true);
    for (const other of ['2h', '1M', '', 'toString', '__proto__', 60_000, null]) {
      expect(isTimeframe(other)).toBe(false);
    }
  });
});
