import { ProtocolError } from './errors.js';
import { assertSymbol } from './subjectToken.js';

/**
 * Most partitions a tick stream may have; partition tokens in subjects are `0` to
 * `maxPartitions - 1`. Each partition is one consumer, so this is far above any real need.
 */
export const maxPartitions = 1024;

const offsetBasis = 0x811c9dc5;
const prime = 0x01000193;

/**
 * FNV-1a, 32-bit, over the UTF-8 bytes of `text`:
 * `h = 0x811c9dc5; for each byte b: h = ((h XOR b) * 0x01000193) mod 2^32`.
 * A lone surrogate is hashed as U+FFFD (bytes EF BF BD), as `TextEncoder` would encode it;
 * symbols never contain one ({@link assertSymbol} refuses them).
 *
 * @returns the hash as an unsigned 32-bit integer
 * @example
 * fnv1a32('a').toString(16); // 'e40c292c'
 */
export function fnv1a32(text: string): number {
  // UTF-8 is encoded inline rather than with TextEncoder: no allocation per call.
  let h = offsetBasis;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, prime);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), prime);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), prime);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        h = Math.imul(h ^ (0xf0 | (c >> 18)), prime);
        h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), prime);
        h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), prime);
        h = Math.imul(h ^ (0x80 | (c & 0x3f)), prime);
        continue;
      }
      c = 0xfffd;
    }
    h = Math.imul(h ^ (0xe0 | (c >> 12)), prime);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), prime);
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), prime);
  }
  return h >>> 0;
}

/**
 * The tick partition of a symbol: `fnv1a32(utf8(symbol)) mod partitions`, with the hash
 * taken as an unsigned 32-bit integer. Every publisher, in any language, must compute it
 * exactly so (the package README has the algorithm and test vectors).
 *
 * @param symbol - a valid symbol token (see {@link assertSymbol})
 * @param partitions - the stream's partition count `P`, an integer from 1 to {@link maxPartitions}
 * @returns an integer from `0` to `partitions - 1`
 * @throws {ProtocolError} `bad_subject` for an invalid symbol or partition count
 * @example
 * partition('AAPL', 16); // 11
 */
export function partition(symbol: string, partitions: number): number {
  assertPartitionCount(partitions);
  assertSymbol(symbol);
  return fnv1a32(symbol) % partitions;
}

/** Throws `bad_subject` unless `partitions` is an integer from 1 to {@link maxPartitions}. */
function assertPartitionCount(partitions: number): void {
  if (Number.isInteger(partitions) && partitions >= 1 && partitions <= maxPartitions) return;
  throw new ProtocolError(
    'bad_subject',
    `partition count ${String(partitions)} is invalid: it must be an integer from 1 to ${maxPartitions}`,
    { field: 'partitions' },
  );
}
