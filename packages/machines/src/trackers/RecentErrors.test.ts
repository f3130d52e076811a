import { describe, expect, it } from 'vitest';
import { RecentErrors } from './RecentErrors.js';

describe('RecentErrors', () => {
  it('keeps only the newest `capacity` errors, counting the overwritten ones', () => {
    let now = 0;
    const errors = new RecentErrors({ now: () => now, capacity: 3 });
    for (let i = 0; i < 5; i++) {
      now = i;
      errors.record({ kind: 'reload', message: `m${i}` });
    }
    expect(errors.recent().map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    expect(errors.recent(1)).toEqual([{ kind: 'reload', message: 'm4', at: 4 }]);
    expect(errors.stats).toMatchObject({ recorded: 5, overwritten: 2 });
  });

  it('defaults to 500 entries', () => {
    const errors = new RecentErrors({ now: () => 0 });
    for (let i = 0; i < 600; i++) errors.record({ kind: 'k', message: 'm' });
    expect(errors.size).toBe(500);
  });

  it('counts patterns by kind and code and ages them out over the window', () => {
    let now = 0;
    const errors = new RecentErrors({ now: () => now, windowMs: 60_000, buckets: 6 });
    errors.record({ kind: 'publish', code: 'TIMEOUT', message: 'a' });
    now = 30_000;
    errors.record({ kind: 'publish', code: 'TIMEOUT', message: 'b' });
    errors.record({ kind: 'decode', message: 'c' });
    expect(errors.patterns()).toEqual([
      { pattern: 'publish:TIMEOUT', count: 2 },
      { pattern: 'decode:-', count: 1 },
    ]);
    now = 60_000; // the first error's bucket left the window
    expect(errors.patterns()).toEqual([
      { pattern: 'publish:TIMEOUT', count: 1 },
      { pattern: 'decode:-', count: 1 },
    ]);
    now = 200_000;
    expect(errors.patterns()).toEqual([]);
  });

  it('counts patterns beyond maxPatterns as (other)', () => {
    const errors = new RecentErrors({ now: () => 0, maxPatterns: 2 });
    for (const code of ['a', 'b', 'c', 'd']) errors.record({ kind: 'k', code, message: 'x' });
    expect(errors.patterns()).toEqual(
      expect.arrayContaining([
        { pattern: '(other)', count: 2 },
        { pattern: 'k:a', count: 1 },
      ]),
    );
    expect(errors.patterns()).toHaveLength(3);
    expect(errors.stats.patternOverflows).toBe(2);
  });

  it('clips long messages and keeps only known fields', () => {
    const errors = new RecentErrors({ now: () => 0 });
    const entry = { kind: 'k', message: 'x'.repeat(10_000), payload: new Uint8Array(1_000) };
    const recorded = errors.record(entry);
    expect(recorded.message.length).toBeLessThan(600);
    expect(recorded).not.toHaveProperty('payload');
  });
});
