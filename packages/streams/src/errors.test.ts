import { describe, expect, it } from 'vitest';
import {
  BufferOverflowError,
  InvalidOptionError,
  RingSnapshotError,
  StreamsError,
} from './errors.js';

describe('errors', () => {
  it('name the class, carry a code and fields, and keep the cause', () => {
    const cause = new Error('root');
    const overflow = new BufferOverflowError(100, 101, { cause });
    expect(overflow).toBeInstanceOf(StreamsError);
    expect(overflow).toBeInstanceOf(Error);
    expect(overflow).toMatchObject({
      name: 'BufferOverflowError',
      code: 'buffer_overflow',
      capacity: 100,
      offered: 101,
      cause,
    });
    expect(overflow.message).toContain('capacity 100');

    const option = new InvalidOptionError('maxKeys', -1, 'an integer >= 1');
    expect(option).toMatchObject({ name: 'InvalidOptionError', code: 'invalid_option' });
    expect(option.message).toBe('maxKeys must be an integer >= 1; got -1');

    expect(new RingSnapshotError('bad')).toMatchObject({
      name: 'RingSnapshotError',
      code: 'invalid_snapshot',
    });
    expect(new StreamsError('index_out_of_range', 'x').name).toBe('StreamsError');
  });
});
