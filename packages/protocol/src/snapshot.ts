import { Packr } from 'msgpackr';
import { decodeFailed } from './codec.js';
import { describeValue } from './describeValue.js';
import { ProtocolError } from './errors.js';

/** Default largest snapshot {@link decodeSnapshot} accepts: 1 MiB, NATS's default max payload. */
export const defaultSnapshotMaxBytes = 1024 * 1024;

// NOT the wire format: snapshots are written and read only by Ballast actors (KV values),
// so they use msgpackr's own extensions — records for repeated object shapes, typed arrays
// stored as their raw bytes (a Float64Array of 1,440 closes takes 8 bytes per value plus a
// 5-byte header, not 1,440 tagged floats), Map, Set, Date, BigInt. Other MessagePack
// libraries cannot read them faithfully. Each snapshot is self-contained: record
// definitions are written inline, none are shared between calls, so any new decoder
// instance reads any snapshot.
const snapshots = new Packr({ moreTypes: true, structuredClone: false });

/**
 * Encodes an actor's state for a KV snapshot, keeping typed arrays compact and exact.
 * For actor snapshots only: not a wire format for other languages (use the message
 * encoders for that).
 *
 * @throws {ProtocolError} `schema_violation` when the state holds something msgpackr cannot
 *   encode (e.g. a symbol)
 * @example
 * await kv.put(key, encodeSnapshot({ seq, closes: new Float64Array(window) }));
 */
export function encodeSnapshot(state: unknown): Uint8Array {
  try {
    return snapshots.pack(state);
  } catch (cause) {
    throw new ProtocolError(
      'schema_violation',
      `snapshot state ${describeValue(state)} cannot be encoded: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Decodes a snapshot written by {@link encodeSnapshot}. The result is not validated: the
 * actor that owns the state checks its shape.
 *
 * @throws {ProtocolError} `oversize` above `maxBytes` (default {@link defaultSnapshotMaxBytes}),
 *   `decode_failed` for bytes that are not one msgpackr value
 * @example
 * const { seq, closes } = decodeSnapshot(entry.value) as MyState;
 */
export function decodeSnapshot(
  bytes: Uint8Array,
  options?: { readonly maxBytes?: number | undefined },
): unknown {
  const maxBytes = options?.maxBytes ?? defaultSnapshotMaxBytes;
  if (!(bytes instanceof Uint8Array) || !(bytes.length <= maxBytes)) {
    const size = bytes instanceof Uint8Array ? `${bytes.length} bytes` : describeValue(bytes);
    throw new ProtocolError(
      bytes instanceof Uint8Array ? 'oversize' : 'decode_failed',
      `snapshot payload (${size}) must be a Uint8Array of at most ${maxBytes} bytes`,
    );
  }
  try {
    return snapshots.unpack(bytes);
  } catch (cause) {
    throw decodeFailed('snapshot', bytes.length, cause, undefined);
  }
}
