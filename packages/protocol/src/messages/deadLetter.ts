import { type DecodeOptions, packWire, unpackWire } from '../codec.js';
import { ProtocolError, type ProtocolErrorCode } from '../errors.js';
import {
  checkFieldCount,
  count,
  fieldError,
  fieldsOf,
  oneOf,
  text,
  timestamp,
} from '../validate.js';

/**
 * Why an input was set aside: the four {@link ProtocolErrorCode}s, a symbol that is not in
 * the instrument registry, a tick whose `source`/`sourceSeq` was already folded (a feed's
 * resend after the log's duplicate window), a tick older than every window can hold, or an
 * input whose handler threw.
 */
export type DeadLetterReason =
  | ProtocolErrorCode
  | 'unknown_symbol'
  | 'duplicate'
  | 'too_old'
  | 'processing_failed';

/**
 * Every {@link DeadLetterReason}.
 *
 * @example
 * const counters = Object.fromEntries(deadLetterReasons.map((r) => [r, 0]));
 */
export const deadLetterReasons: readonly DeadLetterReason[] = Object.freeze([
  'bad_subject',
  'oversize',
  'decode_failed',
  'schema_violation',
  'unknown_symbol',
  'duplicate',
  'too_old',
  'processing_failed',
]);

/**
 * Most payload bytes a dead letter keeps; the rest is cut. `payloadSize` keeps the original
 * length. Enough to see what a message was, while a flood of 64 KiB garbage stays cheap.
 */
export const deadLetterPayloadLimit = 1024;

/** A refused input, published on `sys.deadletter` so that no rejection is silent. */
export interface DeadLetter {
  readonly v: 1;
  readonly reason: DeadLetterReason;
  /** The subject the input arrived on (empty when unknown). */
  readonly subject: string;
  /** What was wrong, usually the error message. At most 4096 characters. */
  readonly detail: string;
  /** When it was set aside, ms since the epoch. */
  readonly at: number;
  /** The input's first bytes, at most {@link deadLetterPayloadLimit}. */
  readonly payload: Uint8Array;
  /** The input's full length in bytes (>= `payload.length`). */
  readonly payloadSize: number;
}

const T = 'DeadLetter';
const known = ['v', 'reason', 'subject', 'detail', 'at', 'payload', 'payloadSize'];

function deadLetterFrom(
  value: unknown,
  decoding: boolean,
  subject: string | undefined,
): DeadLetter {
  const f = fieldsOf(value, T, decoding, subject);
  const reason = oneOf(f, 'reason', deadLetterReasons, T, subject);
  const inputSubject = text(f, 'subject', T, decoding, subject);
  const detail = text(f, 'detail', T, decoding, subject);
  const at = timestamp(f, 'at', T, subject);
  const raw = f.payload;
  if (!(raw instanceof Uint8Array) || (decoding && raw.length > deadLetterPayloadLimit)) {
    const rule = `bytes (MessagePack bin), at most ${deadLetterPayloadLimit}`;
    throw fieldError(T, 'payload', raw, rule, subject);
  }
  const payload =
    raw.length > deadLetterPayloadLimit ? raw.subarray(0, deadLetterPayloadLimit) : raw;
  const payloadSize = count(f, 'payloadSize', T, subject);
  if (payloadSize < payload.length) {
    throw fieldError(
      T,
      'payloadSize',
      payloadSize,
      `>= the payload's length, ${payload.length}`,
      subject,
    );
  }
  if (decoding) checkFieldCount(f, 7, known, T, subject);
  return { v: 1, reason, subject: inputSubject, detail, at, payload, payloadSize };
}

/**
 * Encodes a dead letter as a plain MessagePack map. A payload longer than
 * {@link deadLetterPayloadLimit}, or a subject or detail longer than 4096 characters, is
 * cut rather than refused: reporting a bad input must not fail because the input was big.
 *
 * @throws {ProtocolError} `schema_violation` for a missing or mistyped field
 * @example
 * nc.publish(systemSubjects.deadLetter, encodeDeadLetter(deadLetterFor(error, { subject, payload, at })));
 */
export function encodeDeadLetter(letter: DeadLetter): Uint8Array {
  return packWire(deadLetterFrom(letter, false, undefined));
}

/**
 * Decodes and validates a dead letter.
 *
 * @throws {ProtocolError} `oversize`, `decode_failed` or `schema_violation`
 * @example
 * const letter = decodeDeadLetter(msg.data);
 */
export function decodeDeadLetter(bytes: Uint8Array, options?: DecodeOptions): DeadLetter {
  return deadLetterFrom(unpackWire(bytes, T, options), true, options?.subject);
}

/**
 * The dead letter for an input that failed: the reason is the {@link ProtocolError}'s code,
 * or `processing_failed` for any other error; the error's subject wins over `subject`.
 *
 * @param input.payload - the whole input; it is cut to {@link deadLetterPayloadLimit} bytes
 * @example
 * try { handle(decodeTick(msg.data, { subject: msg.subject })); }
 * catch (error) { publishDeadLetter(deadLetterFor(error, { subject: msg.subject, payload: msg.data, at: clock.now() })); }
 */
export function deadLetterFor(
  error: unknown,
  input: { readonly subject: string; readonly payload: Uint8Array; readonly at: number },
): DeadLetter {
  const isProtocol = error instanceof ProtocolError;
  return {
    v: 1,
    reason: isProtocol ? error.code : 'processing_failed',
    subject: (isProtocol ? error.subject : undefined) ?? input.subject,
    detail: error instanceof Error ? error.message : String(error),
    at: input.at,
    payload: input.payload.subarray(0, deadLetterPayloadLimit),
    payloadSize: input.payload.length,
  };
}
