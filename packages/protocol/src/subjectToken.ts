import { describeValue } from './describeValue.js';
import { ProtocolError } from './errors.js';

/**
 * Longest subject token (symbol, actor kind or id, breaker name, worker name), in UTF-8
 * bytes. NATS itself has no per-token limit; this one keeps subjects, KV keys and metric
 * labels short and bounds what a hostile publisher can make us store per symbol.
 */
export const maxTokenBytes = 64;

// NATS splits subjects on '.', treats '*' and '>' as wildcards and ends a subject at
// whitespace. Control, format (zero-width) and lone surrogate characters are refused too:
// they are invisible in logs, so two different subjects could look the same, and a lone
// surrogate has no UTF-8 form to hash.
const forbiddenUnicode = /[\s\p{Cc}\p{Cf}\p{Cs}.*>]/u;

/**
 * Why `value` cannot be a subject token, or `undefined` when it can. Tokens are checked
 * char by char for ASCII (the common, hot case) and by one regular expression otherwise.
 */
export function tokenProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const length = value.length;
  if (length === 0) return 'must not be empty';
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    // Printable ASCII other than . * > : the whole test for nearly every symbol, inline.
    if (c > 0x20 && c < 0x7f && c !== 0x2e && c !== 0x2a && c !== 0x3e) continue;
    return c >= 0x80 ? unicodeProblem(value) : asciiProblem(c);
  }
  return length > maxTokenBytes ? tooLong(length) : undefined;
}

function asciiProblem(c: number): string | undefined {
  // Only called for a character the fast path refused.
  if (c === 0x20) return 'must not contain whitespace (found U+0020 space)';
  if (c < 0x20 || c === 0x7f) return `must not contain control characters (found ${codePoint(c)})`;
  if (c === 0x2e)
    return "must not contain '.', which separates subject tokens (map BRK.B to BRK-B)";
  if (c === 0x2a || c === 0x3e)
    return `must not contain the NATS wildcard '${String.fromCharCode(c)}'`;
  return undefined;
}

function unicodeProblem(value: string): string | undefined {
  const found = forbiddenUnicode.exec(value)?.[0];
  if (found !== undefined) {
    const c = found.charCodeAt(0);
    if (c < 0x80) return asciiProblem(c);
    if (/\s/u.test(found)) return `must not contain whitespace (found ${codePoint(c)})`;
    if (c >= 0xd800 && c <= 0xdfff) return `must not contain a lone surrogate (${codePoint(c)})`;
    return `must not contain control or invisible format characters (found ${codePoint(c)})`;
  }
  const bytes = utf8Length(value);
  return bytes > maxTokenBytes ? tooLong(bytes) : undefined;
}

/** UTF-8 length of a string without lone surrogates (a pair is 2 code units, 4 bytes). */
function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

function tooLong(bytes: number): string {
  return `must be at most ${maxTokenBytes} UTF-8 bytes (it has ${bytes})`;
}

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Throws `bad_subject` unless `value` is a valid subject token; `what` names it in the message.
 *
 * @param subject - the whole subject, when the token came from one
 */
export function assertToken(
  value: unknown,
  what: string,
  subject?: string,
): asserts value is string {
  const problem = tokenProblem(value);
  if (problem === undefined) return;
  const where = subject === undefined ? '' : ` in subject ${describeValue(subject)}`;
  throw new ProtocolError(
    'bad_subject',
    `${what} ${describeValue(value)}${where} is not a valid NATS subject token: it ${problem}`,
    { subject, field: what },
  );
}

/**
 * Checks that a symbol can be a subject token: non-empty, at most {@link maxTokenBytes}
 * UTF-8 bytes, no `.`, `*`, `>`, whitespace, control or invisible format characters.
 *
 * @throws {ProtocolError} `bad_subject`, naming the symbol and the rule it breaks
 * @example
 * assertSymbol('BTC-USD'); // ok
 * assertSymbol('BRK.B'); // throws: must not contain '.', ... (map BRK.B to BRK-B)
 */
export function assertSymbol(symbol: string): void {
  assertToken(symbol, 'symbol');
}
