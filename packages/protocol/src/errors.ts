/**
 * Why a subject or a message was refused:
 * - `bad_subject`: a subject or one of its tokens breaks the subject rules;
 * - `oversize`: the payload is longer than the decoder's `maxBytes` (checked before decoding);
 * - `decode_failed`: the bytes are not exactly one MessagePack value;
 * - `schema_violation`: valid MessagePack, but not a valid message of the expected schema.
 */
export type ProtocolErrorCode = 'bad_subject' | 'oversize' | 'decode_failed' | 'schema_violation';

/** Where a {@link ProtocolError} happened, for logs and dead letters. */
export interface ProtocolErrorDetails {
  /** The NATS subject the bytes came from or were meant for, when known. */
  readonly subject?: string | undefined;
  /** The message field that failed validation (e.g. `price`), when there is one. */
  readonly field?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The one error `@ballast/protocol` throws: every refused subject or payload becomes one,
 * never a bare `Error` or a partially valid object. `code` tells the cases apart.
 *
 * @example
 * try {
 *   decodeTick(bytes, { subject });
 * } catch (error) {
 *   if (error instanceof ProtocolError) deadLetter(error.code, error.subject, error.message);
 *   else throw error;
 * }
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly subject: string | undefined;
  readonly field: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.subject = details.subject;
    this.field = details.field;
  }
}
