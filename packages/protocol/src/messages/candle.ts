import { type DecodeOptions, packWire, unpackWire } from '../codec.js';
import { type Timeframe, timeframeMs, timeframes } from '../timeframes.js';
import {
  checkFieldCount,
  count,
  fieldError,
  fieldsOf,
  flag,
  nonNegative,
  oneOf,
  positive,
  timestamp,
  token,
} from '../validate.js';

/**
 * An OHLCV candle for one symbol and timeframe, published on `md.candle.<tf>.<SYMBOL>`
 * each time it changes and once more with `closed: true` when its period ends.
 *
 * @example
 * const candle: Candle = { v: 1, symbol: 'AAPL', tf: '1m', start: 1_700_000_040_000,
 *   open: 187.25, high: 187.5, low: 187, close: 187.4, volume: 1200, trades: 14, closed: false };
 */
export interface Candle {
  readonly v: 1;
  readonly symbol: string;
  readonly tf: Timeframe;
  /** Start of the period, ms since the epoch; a multiple of the timeframe's duration. */
  readonly start: number;
  /** Prices: finite, > 0, with `low <= open, close <= high`. */
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Sum of tick sizes; finite, >= 0. */
  readonly volume: number;
  /** Number of ticks folded in; a safe integer >= 0. */
  readonly trades: number;
  /** Whether the period has ended (the final update for this candle). */
  readonly closed: boolean;
}

const T = 'Candle';
const known = [
  'v',
  'symbol',
  'tf',
  'start',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'trades',
  'closed',
];

function candleFrom(value: unknown, decoding: boolean, subject: string | undefined): Candle {
  const f = fieldsOf(value, T, decoding, subject);
  const symbol = token(f, 'symbol', T, subject);
  const tf = oneOf(f, 'tf', timeframes, T, subject);
  const start = timestamp(f, 'start', T, subject);
  if (start % timeframeMs[tf] !== 0) {
    const rule = `a multiple of ${timeframeMs[tf]} ms (the start of a ${tf} period in UTC)`;
    throw fieldError(T, 'start', start, rule, subject);
  }
  const open = positive(f, 'open', T, subject);
  const high = positive(f, 'high', T, subject);
  const low = positive(f, 'low', T, subject);
  const close = positive(f, 'close', T, subject);
  if (high < open || high < close || high < low) {
    throw fieldError(
      T,
      'high',
      high,
      `>= open, close and low (${open}, ${close}, ${low})`,
      subject,
    );
  }
  if (low > open || low > close) {
    throw fieldError(T, 'low', low, `<= open and close (${open}, ${close})`, subject);
  }
  const volume = nonNegative(f, 'volume', T, subject);
  const trades = count(f, 'trades', T, subject);
  const closed = flag(f, 'closed', T, subject);
  if (decoding) checkFieldCount(f, 11, known, T, subject);
  return { v: 1, symbol, tf, start, open, high, low, close, volume, trades, closed };
}

/**
 * Encodes a candle as a plain MessagePack map.
 *
 * @throws {ProtocolError} `schema_violation` naming the first invalid field
 * @example
 * nc.publish(candleSubject(candle.tf, candle.symbol), encodeCandle(candle));
 */
export function encodeCandle(candle: Candle): Uint8Array {
  return packWire(candleFrom(candle, false, undefined));
}

/**
 * Decodes and validates a candle.
 *
 * @throws {ProtocolError} `oversize`, `decode_failed` or `schema_violation`
 * @example
 * const candle = decodeCandle(msg.data, { subject: msg.subject });
 */
export function decodeCandle(bytes: Uint8Array, options?: DecodeOptions): Candle {
  return candleFrom(unpackWire(bytes, T, options), true, options?.subject);
}
