import { describe, expect, it } from 'vitest';
import { UsageTracker } from './UsageTracker.js';

const minute = 60_000;
const hour = 3_600_000;

describe('UsageTracker', () => {
  it('rolls usage up per minute for the last hour and per hour beyond', () => {
    let now = 0;
    const usage = new UsageTracker({ now: () => now });
    usage.record('vendor', { count: 2, cost: 0.5 });
    now = 30 * minute;
    usage.record('vendor', { cost: 0.25 });
    expect(usage.total('vendor', hour)).toEqual({ count: 3, cost: 0.75 });
    expect(usage.total('vendor', 10 * minute)).toEqual({ count: 1, cost: 0.25 });
    now = 5 * hour;
    expect(usage.total('vendor', hour)).toEqual({ count: 0, cost: 0 });
    expect(usage.total('vendor', 6 * hour)).toEqual({ count: 3, cost: 0.75 });
    now = 60 * hour; // past the 48 hourly slices
    expect(usage.total('vendor', 48 * hour)).toEqual({ count: 0, cost: 0 });
  });

  it('returns a fixed-length series with empty slices', () => {
    let now = 0;
    const usage = new UsageTracker({ now: () => now, minutes: 5 });
    usage.record('a');
    now = 2 * minute;
    usage.record('a', { count: 3 });
    const series = usage.series('a', 'minute');
    expect(series.map((s) => s.count)).toEqual([0, 0, 1, 0, 3]);
    expect(usage.series('missing', 'hour')).toHaveLength(48);
  });

  it('sums keys beyond maxKeys under (other)', () => {
    const usage = new UsageTracker({ now: () => 0, maxKeys: 2 });
    expect(['a', 'b', 'c', 'd'].map((k) => usage.record(k))).toEqual([
      'a',
      'b',
      '(other)',
      '(other)',
    ]);
    expect(usage.keys()).toEqual(['a', 'b', '(other)']);
    expect(usage.total('(other)', minute).count).toBe(2);
    expect(usage.total(undefined, minute).count).toBe(4);
    expect(usage.overflowed).toBe(2);
  });

  it('holds memory fixed however long it runs', () => {
    let now = 0;
    const usage = new UsageTracker({ now: () => now, maxKeys: 3 });
    for (let i = 0; i < 100_000; i++) {
      now += 7_001;
      usage.record(`k${i % 10}`, { cost: 1 });
    }
    expect(usage.keys()).toHaveLength(4);
    expect(usage.series('k0', 'minute')).toHaveLength(60);
    expect(usage.total(undefined, 48 * hour).count).toBeLessThanOrEqual((48 * hour) / 7_001 + 1);
  });
});
