import { describe, expect, it } from 'vitest';
import { renderInstruments } from './renderInstruments.js';

describe('renderInstruments', () => {
  const now = Date.UTC(2026, 5, 1);
  it('lists symbols with expiry, marking expired ones', () => {
    const text = renderInstruments(
      [
        { symbol: 'AAPL', expiresAt: null, addedAt: Date.UTC(2026, 0, 1) },
        { symbol: 'OPT-1', expiresAt: Date.UTC(2026, 4, 1), addedAt: Date.UTC(2026, 0, 1) },
        { symbol: 'OPT-2', expiresAt: Date.UTC(2027, 0, 1), addedAt: Date.UTC(2026, 0, 1) },
      ],
      now,
    );
    const rows = text.split('\n').filter((line) => line.startsWith('│ '));
    expect(rows[1]).toMatch(/│ AAPL +│ never/);
    expect(rows[2]).toContain('2026-05-01T00:00:00.000Z (expired)');
    expect(rows[3]).toContain('2027-01-01T00:00:00.000Z');
    expect(rows[3]).not.toContain('expired');
    expect(text).toContain('3 instruments');
  });

  it('says how to add one when the registry is empty', () => {
    expect(renderInstruments([], now)).toContain('ballast instruments add');
  });
});
