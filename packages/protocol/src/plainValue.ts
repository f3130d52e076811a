import { type DecodeOptions, packWire, unpackWire } from './codec.js';

/**
 * Encodes any value with the wire codec's settings (plain maps, no msgpackr extensions), for
 * records that are not protocol messages: query replies, registry values, sink replies. Tools
 * in other languages read those too (I5).
 *
 * @example
 * kv.put(symbol, encodePlain({ symbol, expiresAt: null, addedAt: Date.now() }));
 */
export function encodePlain(value: object): Uint8Array {
  return packWire(value);
}

/**
 * Decodes exactly one plain MessagePack value, size checked first; the value is not
 * validated — the caller checks its shape.
 *
 * @throws {ProtocolError} `oversize` or `decode_failed`
 * @example
 * const reply = decodePlain(msg.data, { maxBytes: 1024 * 1024 }) as SymbolQueryReply;
 */
export function decodePlain(bytes: Uint8Array, options?: DecodeOptions): unknown {
  return unpackWire(bytes, 'plain value', options);
}
