import { C1, Packr } from 'msgpackr';
import { describeValue, inSubject } from './describeValue.js';
import { ProtocolError } from './errors.js';
import { maxWireDepth, nestedDeeperThan } from './msgpackDepth.js';

/**
 * Default largest payload a decoder accepts, in bytes. A tick is about 90 bytes; the bound
 * only has to stop a hostile or broken publisher from making us decode megabytes.
 */
export const defaultMaxBytes = 64 * 1024;

/** Options for every wire decoder (`decodeTick`, `decodeCandle`, ...). */
export interface DecodeOptions {
  /** The subject the bytes arrived on; copied into any {@link ProtocolError}. */
  readonly subject?: string | undefined;
  /** Largest payload accepted, checked before decoding. Default {@link defaultMaxBytes}. */
  readonly maxBytes?: number | undefined;
}

// Plain MessagePack only (design invariant I5: any MessagePack library decodes our
// messages). useRecords: false — no msgpackr record extension; maps are written as maps.
// variableMapSize — fixmap for small maps (the shortest form), not always map16.
// moreTypes/structuredClone: false — no msgpackr extensions for Set, Error, typed arrays or
// shared references; messages hold only maps, strings, numbers, booleans and bytes.
// Decoding: mapsAsObjects gives plain objects; int64AsType 'number' turns the 64-bit
// integers other libraries write (e.g. Python's for a millisecond timestamp) into numbers,
// and any integer past 2^53 then fails the safe-integer checks instead of becoming a BigInt;
// copyBuffers so a DeadLetter payload does not pin the caller's whole buffer.
const wire = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  structuredClone: false,
  encodeUndefinedAsNil: true,
  int64AsType: 'number',
  copyBuffers: true,
});

/** Encodes a message object that a validator has just built. */
export function packWire(message: object): Uint8Array {
  return wire.pack(message);
}

/**
 * Decodes exactly one MessagePack value after checking the size bound. Every failure is a
 * {@link ProtocolError}: `oversize` before decoding, `decode_failed` for maps and arrays
 * nested deeper than {@link maxWireDepth} and for anything msgpackr throws (truncated input,
 * trailing bytes, unknown extensions). The value is not validated here.
 */
export function unpackWire(
  bytes: Uint8Array,
  type: string,
  options: DecodeOptions | undefined,
): unknown {
  const subject = options?.subject;
  if (!(bytes instanceof Uint8Array)) {
    throw new ProtocolError(
      'decode_failed',
      `${type} payload must be a Uint8Array; got ${describeValue(bytes)}${inSubject(subject)}`,
      { subject },
    );
  }
  const maxBytes = options?.maxBytes ?? defaultMaxBytes;
  // Written so that a NaN limit refuses everything rather than nothing.
  if (!(bytes.length <= maxBytes)) {
    throw new ProtocolError(
      'oversize',
      `${type} payload is ${bytes.length} bytes, over the ${maxBytes}-byte limit${inSubject(subject)}`,
      { subject },
    );
  }
  // Checked without recursion first: where msgpackr's recursion overflows depends on the
  // caller's stack, and the same bytes must get the same verdict in every process.
  if (nestedDeeperThan(bytes, maxWireDepth)) {
    throw decodeFailed(
      type,
      bytes.length,
      new Error(`maps and arrays nested deeper than ${maxWireDepth} levels`),
      subject,
    );
  }
  let value: unknown;
  try {
    value = wire.unpack(bytes);
  } catch (cause) {
    throw decodeFailed(type, bytes.length, cause, subject);
  }
  // msgpackr returns a marker object for 0xc1, which the spec reserves as never used.
  if (value === C1) {
    throw decodeFailed(type, bytes.length, new Error('0xc1 is never used in MessagePack'), subject);
  }
  return value;
}

/** A `decode_failed` error carrying the decoder's own explanation, shortened. */
export function decodeFailed(
  type: string,
  length: number,
  cause: unknown,
  subject: string | undefined,
): ProtocolError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const short = reason.length > 120 ? `${reason.slice(0, 120)}…` : reason;
  return new ProtocolError(
    'decode_failed',
    `${type} payload (${length} bytes) is not one MessagePack value: ${short}${inSubject(subject)}`,
    { subject, cause },
  );
}
