import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { decodePlain, encodePlain } from './plainValue.js';

describe('plain values', () => {
  it('round-trips a nested plain map', () => {
    const value = { ok: false, error: 'down', list: [1, 2.5, 'x'], nested: { a: null } };
    expect(decodePlain(encodePlain(value))).toEqual(value);
  });

  it('refuses trailing values and oversize input before decoding', () => {
    const two = new Uint8Array([...pack(1), ...pack(2)]);
    expect(() => decodePlain(two)).toThrow(ProtocolError);
    expect(() => decodePlain(encodePlain({ s: 'x'.repeat(100) }), { maxBytes: 10 })).toThrow(
      /oversize|larger|bytes/,
    );
  });
});
