import { encodeTick, partition, type Tick, tickSubject } from '@ballast/protocol';
import { rng } from '../harness/seededTicks.js';
import {
  anythingPool,
  badTokens,
  hugeString,
  int,
  nested,
  nonFinite,
  packr,
  pick,
  randomBytes,
  tryPack,
} from './fuzzPrimitives.js';
import { commonDamage, type MalformedMessage, malformedMessages } from './malformedMessages.js';

/** Kinds of damage done to tick messages. */
const tickCategories = [
  ...commonDamage,
  'invalid symbols',
  'wrong partition',
  'missing or extra fields',
] as const;

/**
 * Malformed ticks for the tick subjects of `partitions` partitions, seeded: random bytes,
 * truncated MessagePack, wrong field types (fast-check's `anything`), NaN and Infinity, huge
 * strings, deep nesting, invalid symbols, ticks on another partition's subject, and missing or
 * extra fields. Every subject is `md.tick.<p>.<token>` with `p` in range, so some worker's
 * consumer reads each one. Messages that would pass `accept` (a valid tick by chance) are
 * drawn again, so each one must be refused.
 *
 * @param symbols - names for subjects and base ticks (the good feed's, so they share partitions)
 * @param accept - whether a worker would admit the message (e.g. `admitTick(...).ok`)
 * @example
 * for (const m of malformedTicks({ seed: 1, count: 1000, partitions: 8, symbols, accept })) ...
 */
export function* malformedTicks(options: {
  readonly seed: number;
  readonly count: number;
  readonly partitions: number;
  readonly symbols: readonly string[];
  readonly accept: (subject: string, payload: Uint8Array) => boolean;
}): Generator<MalformedMessage> {
  const random = rng(options.seed);
  const pool = anythingPool(options.seed);
  const P = options.partitions;
  let seq = 0;
  const baseTick = (symbol: string): Tick => ({
    v: 1,
    symbol,
    price: Math.round((1 + random() * 500) * 100) / 100,
    size: int(random, 1, 500),
    ts: Date.UTC(2026, 0, 5, 14, 30) + int(random, 0, 3_600_000),
    source: 'fuzz',
    sourceSeq: seq++,
  });
  const damage = (category: (typeof tickCategories)[number]) => {
    const symbol = pick(random, options.symbols);
    let subject = tickSubject(symbol, P);
    let payload: Uint8Array | null = null;
    const fields: Record<string, unknown> = { ...baseTick(symbol) };
    // Any field of a tick, or its optional one.
    const field = pick(random, [...Object.keys(fields), 'openInterest']);
    switch (category) {
      case 'random bytes':
        payload = randomBytes(random, 300);
        break;
      case 'truncated msgpack': {
        const whole = encodeTick(baseTick(symbol));
        payload = whole.subarray(0, int(random, 0, whole.length - 1));
        break;
      }
      case 'wrong types':
        fields[field] = pick(random, pool);
        payload = tryPack(random() < 0.1 ? pick(random, pool) : fields);
        break;
      case 'NaN/Infinity':
        fields[pick(random, ['price', 'size', 'ts', 'sourceSeq', 'openInterest'])] = pick(
          random,
          nonFinite,
        );
        payload = tryPack(fields);
        break;
      case 'huge strings':
        fields[pick(random, ['symbol', 'source', 'extra'])] = hugeString(random);
        payload = tryPack(fields);
        break;
      case 'deep nesting': {
        const depth = int(random, 1_000, 20_000);
        if (random() < 0.5) payload = nested(depth, random() < 0.5);
        else {
          // A tick whose price is nested `depth` deep: the map header, then the nesting.
          const inner = nested(depth, false);
          const head = packr.pack({ ...fields, price: null });
          const at = head.lastIndexOf(0xc0);
          payload = new Uint8Array(head.length - 1 + inner.length);
          payload.set(head.subarray(0, at));
          payload.set(inner, at);
          payload.set(head.subarray(at + 1), at + inner.length);
        }
        break;
      }
      case 'invalid symbols': {
        const bad = pick(random, badTokens);
        fields.symbol = random() < 0.5 ? bad : `${symbol.toLowerCase()}.x`;
        // The subject names a valid symbol of the same partition; the payload's is invalid.
        payload = tryPack(fields);
        break;
      }
      case 'wrong partition': {
        const p = (partition(symbol, P) + 1 + int(random, 0, P - 2)) % P;
        subject = random() < 0.7 ? `md.tick.${p}.${symbol}` : `${tickSubject(symbol, P)}.extra`;
        payload = P > 1 || subject.endsWith('.extra') ? encodeTick(baseTick(symbol)) : null;
        break;
      }
      case 'missing or extra fields':
        if (random() < 0.5) delete fields[field === 'openInterest' ? 'price' : field];
        else fields[`x${int(random, 0, 9)}`] = int(random, 0, 9);
        if (random() < 0.2) fields.v = 2;
        payload = tryPack(fields);
        break;
    }
    return { subject, payload };
  };
  yield* malformedMessages({
    random,
    count: options.count,
    categories: tickCategories,
    damage,
    accept: options.accept,
  });
}
