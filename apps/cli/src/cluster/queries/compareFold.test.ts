import { describe, expect, it } from 'vitest';
import { compareFold } from './compareFold.js';

describe('compareFold', () => {
  const live = { digest: '3df5e8dfd0f4463d', lastAppliedSeq: 396 };

  it('verifies equal digests at the same sequence', () => {
    const result = compareFold(live, { ...live }, 'AAPL');
    expect(result.ok).toBe(true);
    expect(result.message).toBe(
      "verified: digest 3df5e8dfd0f4463d equals the live actor's (AAPL at seq 396)",
    );
  });

  it('reports a different digest', () => {
    const result = compareFold(live, { ...live, digest: '3df5e8dfd0f4463e' }, 'AAPL');
    expect(result.ok).toBe(false);
    expect(result.message).toContain('MISMATCH');
    expect(result.message).toContain('3df5e8dfd0f4463e');
  });

  it('reports a different sequence first, even with equal digests', () => {
    const result = compareFold(live, { ...live, lastAppliedSeq: 395 }, 'AAPL');
    expect(result.ok).toBe(false);
    expect(result.message).toContain('up to seq 396, the replay up to seq 395');
  });
});
