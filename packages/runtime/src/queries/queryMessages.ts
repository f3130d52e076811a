import type { LastQuote, SymbolLifecycle } from '@ballast/machines';
import { decodePlain, encodePlain, isTimeframe, type Timeframe } from '@ballast/protocol';
import type { Candle } from '@ballast/streams';

/** What a symbol query may ask: which timeframe, how many candles (newest last). */
export interface SymbolQueryRequest {
  readonly tf?: Timeframe;
  readonly limit?: number;
}

/** A symbol actor's state as a query returns it: one consistent moment, between two ticks. */
export interface SymbolQueryReply {
  readonly v: 1;
  readonly kind: 'symbol';
  readonly found: boolean;
  readonly symbol: string;
  readonly worker: string;
  readonly partition: number;
  readonly lifecycle: SymbolLifecycle | 'unknown';
  readonly lastAppliedSeq: number;
  readonly digest: string;
  readonly quote: LastQuote | null;
  readonly tf: Timeframe;
  readonly candles: readonly Candle[];
  readonly openInterest: number | null;
}

/** A query that could not be answered (bad request); the reply says why. */
export interface QueryErrorReply {
  readonly v: 1;
  readonly error: string;
}

/** Default and maximum candles per reply: a reply must stay under NATS's 1 MiB payload. */
export const defaultQueryLimit = 100;
export const maxQueryLimit = 1_440;

/**
 * Encodes a query request or reply as a plain MessagePack map.
 *
 * @example
 * nc.request(actorQuerySubject('symbol', 'AAPL'), encodeQuery({ tf: '5m', limit: 10 }));
 */
export function encodeQuery(message: object): Uint8Array {
  return encodePlain(message);
}

/**
 * Decodes a query reply (or any query message) without validation: replies come from workers.
 *
 * @example
 * const reply = decodeQuery(msg.data) as SymbolQueryReply;
 */
export function decodeQuery(bytes: Uint8Array): unknown {
  // A reply with 1,440 candles is ~150 KB: above the 64 KiB message default, below NATS's 1 MiB.
  return decodePlain(bytes, { maxBytes: 1024 * 1024 });
}

/**
 * Reads a symbol query request; an empty payload asks for the defaults (1m, 100 candles).
 *
 * @throws {TypeError} naming the bad field
 * @example
 * parseSymbolQuery(new Uint8Array()); // { tf: '1m', limit: 100 }
 */
export function parseSymbolQuery(bytes: Uint8Array): Required<SymbolQueryRequest> {
  if (bytes.length === 0) return { tf: '1m', limit: defaultQueryLimit };
  const value = decodePlain(bytes) as Record<string, unknown> | null;
  if (value === null || typeof value !== 'object') {
    throw new TypeError('query request must be a msgpack map like { tf: "1m", limit: 100 }');
  }
  const tf = value.tf ?? '1m';
  if (typeof tf !== 'string' || !isTimeframe(tf)) {
    throw new TypeError(
      `query tf ${JSON.stringify(tf)} is not a timeframe (1m, 5m, 15m, 30m, 1h, 4h, 1d)`,
    );
  }
  const limit = value.limit ?? defaultQueryLimit;
  if (
    typeof limit !== 'number' ||
    !Number.isSafeInteger(limit) ||
    limit < 1 ||
    limit > maxQueryLimit
  ) {
    throw new TypeError(
      `query limit ${String(limit)} must be an integer from 1 to ${maxQueryLimit}`,
    );
  }
  return { tf, limit };
}
