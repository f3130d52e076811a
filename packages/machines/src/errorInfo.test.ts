import { describe, expect, it } from 'vitest';
import { causeOf, toErrorInfo } from './errorInfo.js';

describe('toErrorInfo', () => {
  it('keeps message, code and name of an Error', () => {
    const error = Object.assign(new RangeError('too big'), { code: 413 });
    expect(toErrorInfo(error)).toEqual({ message: 'too big', code: '413', name: 'RangeError' });
  });

  it('describes non-Error values', () => {
    expect(toErrorInfo('plain')).toEqual({ message: 'plain' });
    expect(toErrorInfo({ message: 'obj', code: 'E1' })).toEqual({ message: 'obj', code: 'E1' });
    expect(toErrorInfo({ reason: 'x' })).toEqual({ message: '{"reason":"x"}' });
    expect(toErrorInfo(undefined)).toEqual({ message: 'undefined' });
  });

  it('clips huge messages so snapshots stay small', () => {
    expect(toErrorInfo(new Error('x'.repeat(100_000))).message.length).toBeLessThanOrEqual(1_001);
  });

  it('describes the cause when there is one', () => {
    expect(causeOf(new Error('outer', { cause: new Error('inner') }))).toEqual({
      message: 'inner',
      name: 'Error',
    });
    expect(causeOf(new Error('alone'))).toBeUndefined();
    expect(causeOf(42)).toBeUndefined();
  });
});
