import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/errors.js';
import { decodeCandle, encodeCandle } from '../src/messages/candle.js';
import { decodeControl } from '../src/messages/control.js';
import { decodeDeadLetter } from '../src/messages/deadLetter.js';
import { decodeErrorEntry } from '../src/messages/errorEntry.js';
import { decodeTick, encodeTick, type Tick } from '../src/messages/tick.js';
import { decodeSnapshot } from '../src/snapshot.js';
import { tokenProblem } from '../src/subjectToken.js';
import { maxTimestamp, minTimestamp } from '../src/validate.js';
import { candle, plainPack, tick } from './fixtures.js';

const decoders = {
  decodeTick,
  decodeCandle,
  decodeControl,
  decodeDeadLetter,
  decodeErrorEntry,
  decodeSnapshot,
} satisfies Record<string, (bytes: Uint8Array) => unknown>;

/** Runs `fn`; passes when it returns or throws a ProtocolError, fails on any other throw. */
function onlyProtocolErrors(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
}

/** Every rule of the Tick schema, restated here so the property does not trust the codec. */
function isValidTick(t: Tick): boolean {
  const keys = Object.keys(t);
  const allowed = ['v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq', 'openInterest'];
  return (
    keys.every((k) => allowed.includes(k)) &&
    t.v === 1 &&
    tokenProblem(t.symbol) === undefined &&
    tokenProblem(t.source) === undefined &&
    Number.isFinite(t.price) &&
    t.price > 0 &&
    Number.isFinite(t.size) &&
    t.size >= 0 &&
    Number.isSafeInteger(t.ts) &&
    t.ts >= minTimestamp &&
    t.ts < maxTimestamp &&
    Number.isSafeInteger(t.sourceSeq) &&
    t.sourceSeq >= 0 &&
    (!('openInterest' in t) ||
      (typeof t.openInterest === 'number' &&
        Number.isFinite(t.openInterest) &&
        t.openInterest >= 0))
  );
}

describe('decoders under fuzzing', () => {
  it.each(Object.entries(decoders))(
    '%s throws nothing but ProtocolError on arbitrary bytes',
    (_, decode) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
          onlyProtocolErrors(() => decode(bytes));
        }),
        { numRuns: 2000 },
      );
    },
  );

  it('throws nothing but ProtocolError on mutations of valid encodings', () => {
    const seeds = [
      encodeTick(tick),
      encodeTick({ ...tick, openInterest: 3 }),
      encodeCandle(candle),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (seed, flips, cut) => {
          const bytes = Uint8Array.from(seed);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const input = cut % 4 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
          for (const decode of Object.values(decoders)) onlyProtocolErrors(() => decode(input));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decodeTick yields a fully valid Tick or a ProtocolError for any plain-encoded value', () => {
    const field = fc.oneof(
      fc.anything(),
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 70 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 2 ** 53, null, undefined),
    );
    // Mostly valid fields, each sometimes replaced by anything: both outcomes get exercised.
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: field, weight: 1 });
    const tickLike = fc.record(
      {
        v: mostly(fc.constant(1)),
        symbol: mostly(fc.constantFrom('AAPL', 'BTC-USD', 'ÄPFEL', 'A.B', '')),
        price: mostly(fc.double({ min: 1e-6, max: 1e6, noNaN: true })),
        size: mostly(fc.double({ min: 0, max: 1e6, noNaN: true })),
        ts: mostly(fc.integer({ min: minTimestamp - 10, max: maxTimestamp + 10 })),
        source: mostly(fc.constantFrom('feed', 'feed-2', 'a b')),
        sourceSeq: mostly(fc.oneof(fc.nat(), fc.maxSafeNat())),
        openInterest: mostly(fc.double({ min: 0, max: 1e6, noNaN: true })),
      },
      { requiredKeys: ['v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq'] },
    );
    const withExtra = fc.tuple(tickLike, fc.string(), field).map(([t, k, x]) => ({ ...t, [k]: x }));
    let valid = 0;
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: tickLike, weight: 6 }, withExtra, fc.anything()),
        (value) => {
          const result = onlyProtocolErrors(() => decodeTick(plainPack(value)));
          if (result instanceof ProtocolError) return;
          valid++;
          expect(isValidTick(result as Tick)).toBe(true);
          // A decoded tick re-encodes to a tick equal to itself.
          expect(decodeTick(encodeTick(result as Tick))).toEqual(result);
        },
      ),
      { numRuns: 3000 },
    );
    // The generator must reach the success path too, or the property proves little.
    expect(valid).toBeGreaterThan(100);
  });
});
