import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../test/catchProtocolError.js';
import { assertSymbol, maxTokenBytes, tokenProblem } from './subjectToken.js';

describe('assertSymbol', () => {
  it('accepts ordinary symbols, including non-ASCII ones', () => {
    for (const symbol of [
      'AAPL',
      'BTC-USD',
      'ES=F',
      'EUR/USD',
      '6758:JP',
      'ÄPFEL',
      '日経225',
      '😀X',
    ]) {
      expect(() => assertSymbol(symbol)).not.toThrow();
    }
  });

  it.each([
    ['BRK.B', "'.'"],
    ['A*', "wildcard '*'"],
    ['A>', "wildcard '>'"],
    ['A B', 'whitespace'],
    ['A\tB', 'control characters (found U+0009)'],
    ['A\u0000', 'control characters (found U+0000)'],
    ['A\u007f', 'control characters (found U+007F)'],
    ['A\u0085', 'control or invisible format characters (found U+0085)'],
    ['A\u00a0B', 'whitespace (found U+00A0)'],
    ['A\u3000B', 'whitespace (found U+3000)'],
    ['A\u200bB', 'invisible format characters (found U+200B)'],
    ['Ä.B', "'.'"],
    ['A\ud800', 'lone surrogate (U+D800)'],
    ['', 'must not be empty'],
  ])('refuses %j, saying it %s', (symbol, rule) => {
    const error = catchProtocolError(() => assertSymbol(symbol));
    expect(error.code).toBe('bad_subject');
    expect(error.field).toBe('symbol');
    expect(error.message).toContain(JSON.stringify(symbol));
    expect(error.message).toContain(rule);
  });

  it(`refuses symbols over ${maxTokenBytes} UTF-8 bytes`, () => {
    expect(() => assertSymbol('X'.repeat(maxTokenBytes))).not.toThrow();
    const ascii = catchProtocolError(() => assertSymbol('X'.repeat(maxTokenBytes + 1)));
    expect(ascii.code).toBe('bad_subject');
    expect(ascii.message).toContain(`at most ${maxTokenBytes} UTF-8 bytes (it has 65)`);
    // 22 three-byte characters: 22 code units but 66 bytes.
    const wide = catchProtocolError(() => assertSymbol('日'.repeat(22)));
    expect(wide.message).toContain('(it has 66)');
    expect(() => assertSymbol('日'.repeat(21))).not.toThrow();
  });

  it('bounds the value quoted in the message', () => {
    const error = catchProtocolError(() => assertSymbol('Y'.repeat(100_000)));
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('tokenProblem', () => {
  it('refuses non-strings', () => {
    expect(tokenProblem(42)).toBe('must be a string');
    expect(tokenProblem(undefined)).toBe('must be a string');
  });

  it('returns undefined for a valid token', () => {
    expect(tokenProblem('worker-1')).toBeUndefined();
  });
});
