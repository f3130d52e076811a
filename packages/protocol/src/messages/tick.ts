import { type DecodeOptions, packWire, unpackWire } from '../codec.js';
import {
  absent,
  checkFieldCount,
  count,
  fieldsOf,
  nonNegative,
  positive,
  timestamp,
  token,
} from '../validate.js';

/**
 * One trade or quote update for one symbol, as a feed publishes it on
 * `md.tick.<partition>.<SYMBOL>`.
 *
 * @example
 * const tick: Tick = { v: 1, symbol: 'AAPL', price: 187.25, size: 100,
 *   ts: 1_700_000_000_123, source: 'nasdaq', sourceSeq: 42 };
 */
export interface Tick {
  /** Schema version, always 1. */
  readonly v: 1;
  /** A valid subject token, at most 64 UTF-8 bytes. */
  readonly symbol: string;
  /** Finite, > 0. */
  readonly price: number;
  /** Finite, >= 0 (0 for a quote without size). */
  readonly size: number;
  /** Event time: whole ms since the epoch, in [2000-01-01, 2100-01-01). */
  readonly ts: number;
  /** The feed that produced the tick; a valid subject token. */
  readonly source: string;
  /** The feed's own sequence number: a safe integer >= 0, unique per source. */
  readonly sourceSeq: number;
  /** Open interest for derivatives; finite, >= 0. */
  readonly openInterest?: number | undefined;
}

const T = 'Tick';
const known = ['v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq', 'openInterest'];

/**
 * Validates and copies a tick, fields in schema order (which fixes the encoded bytes).
 * Decoding also refuses unknown fields; encoding ignores extra properties.
 */
function tickFrom(value: unknown, decoding: boolean, subject: string | undefined): Tick {
  const f = fieldsOf(value, T, decoding, subject);
  const symbol = token(f, 'symbol', T, subject);
  const price = positive(f, 'price', T, subject);
  const size = nonNegative(f, 'size', T, subject);
  const ts = timestamp(f, 'ts', T, subject);
  const source = token(f, 'source', T, subject);
  const sourceSeq = count(f, 'sourceSeq', T, subject);
  if (absent(f, 'openInterest')) {
    if (decoding) checkFieldCount(f, f.openInterest === null ? 8 : 7, known, T, subject);
    return { v: 1, symbol, price, size, ts, source, sourceSeq };
  }
  const openInterest = nonNegative(f, 'openInterest', T, subject);
  if (decoding) checkFieldCount(f, 8, known, T, subject);
  return { v: 1, symbol, price, size, ts, source, sourceSeq, openInterest };
}

/**
 * Encodes a tick as a plain MessagePack map.
 *
 * @throws {ProtocolError} `schema_violation` naming the first invalid field
 * @example
 * js.publish(tickSubject(tick.symbol, 16), encodeTick(tick), { msgID: tickMessageId(tick) });
 */
export function encodeTick(tick: Tick): Uint8Array {
  return packWire(tickFrom(tick, false, undefined));
}

/**
 * Decodes and validates a tick: the result is a fully valid {@link Tick} or the call throws.
 *
 * @throws {ProtocolError} `oversize`, `decode_failed` or `schema_violation`
 * @example
 * const tick = decodeTick(msg.data, { subject: msg.subject });
 */
export function decodeTick(bytes: Uint8Array, options?: DecodeOptions): Tick {
  const subject = options?.subject;
  return tickFrom(unpackWire(bytes, T, options), true, subject);
}

/**
 * The JetStream message id of a tick, `<source>:<sourceSeq>`, so the server drops a
 * re-published duplicate within its duplicate window.
 *
 * @example
 * tickMessageId(tick); // 'nasdaq:42'
 */
export function tickMessageId(tick: Pick<Tick, 'source' | 'sourceSeq'>): string {
  return `${tick.source}:${tick.sourceSeq}`;
}
