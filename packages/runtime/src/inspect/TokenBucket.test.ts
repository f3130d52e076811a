import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.js';

describe('TokenBucket', () => {
  it('admits a burst, then the refill rate', () => {
    const bucket = new TokenBucket(50, 100, 0);
    let admitted = 0;
    for (let i = 0; i < 300; i++) if (bucket.take(0)) admitted++;
    expect(admitted).toBe(100);
    // One second later: 50 more, not 100.
    admitted = 0;
    for (let i = 0; i < 300; i++) if (bucket.take(1_000)) admitted++;
    expect(admitted).toBe(50);
  });

  it('never saves up more than the burst', () => {
    const bucket = new TokenBucket(10, 5, 0);
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(60_000)) admitted++;
    expect(admitted).toBe(5);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1_000);
    expect(bucket.take(1_000)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(2_000)).toBe(true);
  });
});
