import { describeValue } from '../describeValue.js';
import { ProtocolError } from '../errors.js';

/** A `bad_subject` error for a subject whose shape is wrong, naming the expected shape. */
export function badSubject(subject: unknown, expected: string): ProtocolError {
  return new ProtocolError(
    'bad_subject',
    `${describeValue(subject)} is not a valid subject here: expected ${expected}`,
    { subject: typeof subject === 'string' ? subject : undefined },
  );
}

/**
 * Splits `subject` into exactly `count` tokens starting with `prefix` tokens, or throws
 * {@link badSubject}. Each token's own rules are checked by the caller.
 */
export function splitSubject(
  subject: string,
  count: number,
  prefix: readonly string[],
  expected: string,
): string[] {
  const tokens = typeof subject === 'string' ? subject.split('.') : [];
  if (tokens.length !== count) throw badSubject(subject, expected);
  for (let i = 0; i < prefix.length; i++) {
    if (tokens[i] !== prefix[i]) throw badSubject(subject, expected);
  }
  return tokens;
}
