import { UsageError } from '../cli/CliError.js';
import { jsonErrorOffset } from './jsonErrorOffset.js';

/** Longest excerpt of the offending line shown under a JSON error. */
const excerptWidth = 60;

/**
 * Parses JSON given on the command line or stdin. A mistake is a bad invocation (exit code 2)
 * whose message names where it is — line, column and offset — and shows the line with a caret.
 * @param source where the text came from, for the message (`argument`, `stdin`)
 * @throws {UsageError}
 *
 * @example
 * parseJsonInput('{"symbol":"AAPL"}', 'argument'); // { symbol: 'AAPL' }
 * parseJsonInput('{"a":}', 'argument');
 * // UsageError: invalid JSON in argument at line 1, column 6 (position 5): Unexpected token '}'
 * //   {"a":}
 * //        ^
 */
export function parseJsonInput(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    // V8's message repeats the whole input after the token; the excerpt below shows it better.
    const reason = (error as Error).message
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    const at = offset < 0 ? text.length : offset;
    throw new UsageError(
      `invalid JSON in ${source} at ${location(text, at)}: ${reason}\n${excerpt(text, at)}`,
      { cause: error },
    );
  }
}

function location(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column} (position ${offset})`;
}

// The offending line, cut to a window around the offset, with a caret under it.
function excerpt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const endAt = text.indexOf('\n', offset);
  // Tabs as spaces so the caret lines up; same length, so offsets still hold.
  const line = text
    .slice(start, endAt === -1 ? text.length : endAt)
    .replace(/\r$/, '')
    .replaceAll('\t', ' ');
  const column = offset - start;
  const from = Math.max(0, column - Math.floor(excerptWidth / 2));
  const shown = line.slice(from, from + excerptWidth);
  const lead = from > 0 ? '…' : '';
  return `  ${lead}${shown}${from + excerptWidth < line.length ? '…' : ''}\n  ${' '.repeat(lead.length + column - from)}^`;
}
