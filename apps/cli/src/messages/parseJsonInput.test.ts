import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/CliError.js';
import { parseJsonInput } from './parseJsonInput.js';

function failure(text: string): UsageError {
  try {
    parseJsonInput(text, 'argument');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseJsonInput', () => {
  it('parses any JSON value', () => {
    expect(parseJsonInput('{"symbol":"AAPL","n":[1,2]}', 'argument')).toEqual({
      symbol: 'AAPL',
      n: [1, 2],
    });
    expect(parseJsonInput(' "text" ', 'stdin')).toBe('text');
  });

  it('names line, column and position of a mistake, with a caret under it (exit code 2)', () => {
    const error = failure('{"a":}');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `invalid JSON in argument at line 1, column 6 (position 5): Unexpected token '}'\n  {"a":}\n       ^`,
    );
  });

  it('counts lines for multi-line input and drops the echo of the input from the reason', () => {
    const error = failure('{\n  "a": 1,\n  b: 2\n}');
    expect(error.message).toMatch(
      /^invalid JSON in argument at line 3, column 3 \(position 14\): Expected double-quoted property name\n {2}\s*b: 2\n {4}\^$/,
    );
  });

  it('points past the end of truncated input', () => {
    expect(failure('[1, 2').message).toMatch(/line 1, column 6 \(position 5\)/);
    expect(failure('').message).toMatch(/position 0\): Unexpected end of JSON input/);
  });

  it('shows a window of a long line around the mistake', () => {
    const text = `[${'1,'.repeat(200)}x]`;
    const lines = failure(text).message.split('\n');
    expect(lines[1]?.length).toBeLessThan(70);
    // The caret sits under the x.
    const caret = lines[2]?.indexOf('^') ?? -1;
    expect(lines[1]?.[caret]).toBe('x');
  });
});
