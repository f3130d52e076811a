import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../test/catchProtocolError.js';
import { fnv1a32, maxPartitions, partition } from './partition.js';

interface PartitionVector {
  readonly symbol: string;
  readonly fnv1a32: string;
  readonly p16: number;
  readonly p7: number;
}

// Computed by test/vectors/make_partition_vectors.py, not by this code.
const vectors = JSON.parse(
  readFileSync(new URL('../test/vectors/partition.json', import.meta.url), 'utf8'),
) as PartitionVector[];

/** Reference FNV-1a over TextEncoder's bytes: slower, obviously right. */
function referenceFnv(text: string): number {
  let h = 0x811c9dc5n;
  for (const byte of new TextEncoder().encode(text)) {
    h = ((h ^ BigInt(byte)) * 0x01000193n) % 2n ** 32n;
  }
  return Number(h);
}

describe('fnv1a32', () => {
  it('matches the checked-in vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(16);
    for (const v of vectors) {
      expect(fnv1a32(v.symbol).toString(16).padStart(8, '0'), v.symbol).toBe(v.fnv1a32);
    }
  });

  it('matches the published FNV-1a values', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of any string, lone surrogates as U+FFFD', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(fnv1a32(text)).toBe(referenceFnv(text));
      }),
      { numRuns: 2000 },
    );
    expect(fnv1a32('a\ud800b')).toBe(referenceFnv('a\ufffdb'));
    expect(fnv1a32('\udc00')).toBe(referenceFnv('\ufffd'));
  });
});

describe('partition', () => {
  it('matches the checked-in vectors for P = 16 and P = 7', () => {
    for (const v of vectors) {
      expect(partition(v.symbol, 16), v.symbol).toBe(v.p16);
      expect(partition(v.symbol, 7), v.symbol).toBe(v.p7);
    }
  });

  it('puts every symbol in partition 0 when P = 1', () => {
    expect(partition('AAPL', 1)).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, maxPartitions + 1])('refuses partition count %s', (p) => {
    const error = catchProtocolError(() => partition('AAPL', p));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain(`partition count ${p}`);
    expect(error.message).toContain(`1 to ${maxPartitions}`);
  });

  it('refuses a symbol that cannot be a subject token', () => {
    const error = catchProtocolError(() => partition('BRK.B', 16));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain('"BRK.B"');
  });
});
