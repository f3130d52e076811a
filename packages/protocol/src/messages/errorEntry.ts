import { type DecodeOptions, packWire, unpackWire } from '../codec.js';
import { absent, checkFieldCount, fieldsOf, label, text, timestamp } from '../validate.js';

/**
 * One actor or task failure, published on `sys.errors` by the supervisor, so that no
 * failure is silent.
 *
 * @example
 * const entry: ErrorEntry = { v: 1, source: 'symbolCache/AAPL', kind: 'symbolCache',
 *   state: 'live', code: 'publish_failed', message: 'candle publish timed out', at: Date.now() };
 */
export interface ErrorEntry {
  readonly v: 1;
  /** Who failed: the actor id or task name. At most 256 characters. */
  readonly source: string;
  /** The actor's kind or the task's type, for grouping. At most 256 characters. */
  readonly kind: string;
  /** The state machine's state when it failed (e.g. JSON of the state value). */
  readonly state?: string | undefined;
  /** A machine-readable code (e.g. an error class's `code`). At most 256 characters. */
  readonly code: string;
  readonly message: string;
  /** The cause chain's messages, when the error had causes. */
  readonly cause?: string | undefined;
  /** When it failed, ms since the epoch. */
  readonly at: number;
}

const T = 'ErrorEntry';
const known = ['v', 'source', 'kind', 'state', 'code', 'message', 'cause', 'at'];

function errorEntryFrom(
  value: unknown,
  decoding: boolean,
  subject: string | undefined,
): ErrorEntry {
  const f = fieldsOf(value, T, decoding, subject);
  const source = label(f, 'source', T, decoding, subject);
  const kind = label(f, 'kind', T, decoding, subject);
  const state = absent(f, 'state') ? undefined : text(f, 'state', T, decoding, subject);
  const code = label(f, 'code', T, decoding, subject);
  const message = text(f, 'message', T, decoding, subject);
  const cause = absent(f, 'cause') ? undefined : text(f, 'cause', T, decoding, subject);
  const at = timestamp(f, 'at', T, subject);
  if (decoding) {
    const present = 6 + (f.state === undefined ? 0 : 1) + (f.cause === undefined ? 0 : 1);
    checkFieldCount(f, present, known, T, subject);
  }
  return {
    v: 1,
    source,
    kind,
    ...(state !== undefined && { state }),
    code,
    message,
    ...(cause !== undefined && { cause }),
    at,
  };
}

/**
 * Encodes an error entry as a plain MessagePack map. Over-long labels and texts are cut
 * rather than refused: reporting a failure must not fail because the message was long.
 *
 * @throws {ProtocolError} `schema_violation` for a missing or mistyped field
 * @example
 * nc.publish(systemSubjects.errors, encodeErrorEntry(entry));
 */
export function encodeErrorEntry(entry: ErrorEntry): Uint8Array {
  return packWire(errorEntryFrom(entry, false, undefined));
}

/**
 * Decodes and validates an error entry.
 *
 * @throws {ProtocolError} `oversize`, `decode_failed` or `schema_violation`
 * @example
 * const entry = decodeErrorEntry(msg.data, { subject: msg.subject });
 */
export function decodeErrorEntry(bytes: Uint8Array, options?: DecodeOptions): ErrorEntry {
  return errorEntryFrom(unpackWire(bytes, T, options), true, options?.subject);
}
