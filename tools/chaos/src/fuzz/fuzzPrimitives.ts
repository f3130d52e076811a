import fc from 'fast-check';
import { Packr } from 'msgpackr';

/**
 * Plain MessagePack, as the wire uses: maps as maps, no msgpackr extensions.
 *
 * @example
 * packr.pack({ v: 1, price: Number.NaN });
 */
export const packr = new Packr({ useRecords: false, variableMapSize: true, moreTypes: false });

/** A seeded source of numbers in [0, 1) (`rng(seed)`). */
export type Random = () => number;

/**
 * A pool of arbitrary values (fast-check's `anything`, seeded) to put where a field's value goes.
 *
 * @example
 * fields.price = pick(random, anythingPool(1));
 */
export function anythingPool(seed: number): unknown[] {
  return fc.sample(fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true }), {
    seed,
    numRuns: 2_000,
  });
}

/**
 * One item, uniformly.
 *
 * @example
 * pick(random, ['a', 'b']);
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * An integer in [min, max], uniformly.
 *
 * @example
 * int(random, 1, 6);
 */
export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * Up to `max` random bytes.
 *
 * @example
 * randomBytes(random, 300);
 */
export function randomBytes(random: Random, max: number): Uint8Array {
  const bytes = new Uint8Array(int(random, 0, max));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/**
 * Packs a value, or `null` when MessagePack cannot hold it.
 *
 * @example
 * tryPack({ price: 'x' });
 */
export function tryPack(value: unknown): Uint8Array | null {
  try {
    return packr.pack(value);
  } catch {
    return null; // a value msgpack cannot hold (a symbol key, a function): draw again
  }
}

/**
 * MessagePack of `depth` nested one-element arrays (or one-key maps) around nil: deep, but
 * only a few bytes a level.
 *
 * @example
 * nested(3_500, false); // [[[...nil...]]], 3,501 bytes
 */
export function nested(depth: number, map: boolean): Uint8Array {
  const bytes = new Uint8Array(depth * (map ? 3 : 1) + 1);
  let i = 0;
  for (let d = 0; d < depth; d++) {
    if (map) {
      bytes[i++] = 0x81; // fixmap of 1
      bytes[i++] = 0xa1; // fixstr of 1
      bytes[i++] = 0x61; // "a"
    } else bytes[i++] = 0x91; // fixarray of 1
  }
  bytes[i] = 0xc0;
  return bytes;
}

/**
 * A string past the 64 KiB decode limit (oversize), or within it but far past any field's.
 *
 * @example
 * fields.symbol = hugeString(random);
 */
export function hugeString(random: Random): string {
  const length = random() < 0.5 ? int(random, 66_000, 100_000) : int(random, 5_000, 60_000);
  return String.fromCharCode(0x41 + int(random, 0, 25)).repeat(length);
}

/**
 * Symbols that are not subject tokens: empty, dotted, wildcards, spaces, control characters,
 * over 64 UTF-8 bytes.
 *
 * @example
 * fields.symbol = pick(random, badTokens);
 */
export const badTokens = [
  '',
  'A.B',
  'A B',
  'A*',
  'A>',
  '>',
  '*',
  'É'.repeat(40),
  'X'.repeat(65),
  '\u0000',
  'tab\t',
];
/**
 * Numbers no price, size, time or sequence may be.
 *
 * @example
 * fields.price = pick(random, nonFinite);
 */
export const nonFinite = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  0,
  -0,
];
