import fc from 'fast-check';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { maxWireDepth, nestedDeeperThan } from './msgpackDepth.js';

/** Maps and arrays nested `depth` levels: `{a: [{a: [... 1]}]}`. */
function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let d = 0; d < depth; d++) value = d % 2 === 0 ? [value, 'x'] : { a: value, b: 2.5 };
  return value;
}

/** The depth of a decoded value, the obvious recursive way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') {
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  }
  return 0;
}

describe('nestedDeeperThan', () => {
  it('measures nesting exactly at the bound', () => {
    for (const depth of [0, 1, 2, 5, 63, 64, 65]) {
      const bytes = pack(nest(depth));
      expect(nestedDeeperThan(bytes, 64), `depth ${depth}`).toBe(depth > 64);
      expect(nestedDeeperThan(bytes, depth)).toBe(false);
      if (depth > 0) expect(nestedDeeperThan(bytes, depth - 1)).toBe(true);
    }
  });

  it('agrees with the decoded depth for any value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        expect(nestedDeeperThan(pack(value), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 500 },
    );
  });

  it('walks every header width: long strings, binaries, 16- and 32-bit counts, extensions', () => {
    const value = {
      s: 'x'.repeat(300),
      b: new Uint8Array(70_000),
      a: Array.from({ length: 70_000 }, (_, i) => i),
      m: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, [[i]]])),
      f: 1.5,
      n: -(2 ** 40),
    };
    // root map > m > [ > [i]
    expect(nestedDeeperThan(pack(value), 4)).toBe(false);
    expect(nestedDeeperThan(pack(value), 3)).toBe(true);
    // fixext 1/2/4/8/16 and ext 8: skipped as scalars.
    for (const ext of [
      [0xd4, 1, 0],
      [0xd5, 1, 0, 0],
      [0xc7, 3, 1, 9, 9, 9],
    ]) {
      expect(nestedDeeperThan(Uint8Array.from([0x91, ...ext]), 1)).toBe(false);
    }
  });

  it('leaves truncated and malformed input to the decoder (false)', () => {
    expect(nestedDeeperThan(Uint8Array.of(0x92, 0x91), 5)).toBe(false);
    expect(nestedDeeperThan(Uint8Array.of(0xdc, 0x00), 5)).toBe(false);
    expect(nestedDeeperThan(new Uint8Array(), 5)).toBe(false);
  });

  it('finds nesting far deeper than the stack allows (the fuzzer sends 20,000 levels)', () => {
    const deep = new Uint8Array(60_001).fill(0x91);
    deep[60_000] = 0xc0;
    expect(nestedDeeperThan(deep, maxWireDepth)).toBe(true);
  });
});
