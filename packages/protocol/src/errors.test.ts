import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';

describe('ProtocolError', () => {
  it('carries its code, subject, field and cause', () => {
    const cause = new RangeError('boom');
    const error = new ProtocolError('schema_violation', 'Tick.price must be > 0', {
      subject: 'md.tick.1.A',
      field: 'price',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('schema_violation');
    expect(error.subject).toBe('md.tick.1.A');
    expect(error.field).toBe('price');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Tick.price must be > 0');
  });

  it('leaves subject, field and cause undefined when not given', () => {
    const error = new ProtocolError('oversize', 'too big');
    expect(error.subject).toBeUndefined();
    expect(error.field).toBeUndefined();
    expect('cause' in error).toBe(false);
  });
});
