import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { at, plainPack } from '../../test/fixtures.js';
import { ProtocolError } from '../errors.js';
import { maxTextLength } from '../validate.js';
import {
  type DeadLetter,
  deadLetterFor,
  deadLetterPayloadLimit,
  deadLetterReasons,
  decodeDeadLetter,
  encodeDeadLetter,
} from './deadLetter.js';

const letter: DeadLetter = {
  v: 1,
  reason: 'decode_failed',
  subject: 'md.tick.11.AAPL',
  detail: 'not MessagePack',
  at,
  payload: new Uint8Array([0xc1, 0xff, 0x00]),
  payloadSize: 3,
};

describe('encodeDeadLetter / decodeDeadLetter', () => {
  it('round-trips a dead letter of every reason', () => {
    for (const reason of deadLetterReasons) {
      const decoded = decodeDeadLetter(encodeDeadLetter({ ...letter, reason }));
      expect({ ...decoded, payload: [...decoded.payload] }).toEqual({
        ...letter,
        reason,
        payload: [0xc1, 0xff, 0x00],
      });
    }
  });

  it('copies the payload out of the received buffer', () => {
    const bytes = encodeDeadLetter(letter);
    const decoded = decodeDeadLetter(bytes);
    bytes.fill(0);
    expect([...decoded.payload]).toEqual([0xc1, 0xff, 0x00]);
  });

  it('cuts a long payload, subject and detail when encoding', () => {
    const payload = new Uint8Array(70_000).fill(7);
    const big = { ...letter, payload, payloadSize: payload.length, detail: 'd'.repeat(9000) };
    const decoded = decodeDeadLetter(encodeDeadLetter(big));
    expect(decoded.payload.length).toBe(deadLetterPayloadLimit);
    expect(decoded.payloadSize).toBe(70_000);
    expect(decoded.detail.length).toBe(maxTextLength);
  });

  it.each([
    ['reason', 'gremlins', 'one of bad_subject'],
    ['payload', 'c1ff00', 'bytes (MessagePack bin)'],
    ['payload', new Uint8Array(deadLetterPayloadLimit + 1), `at most ${deadLetterPayloadLimit}`],
    ['payloadSize', 2, ">= the payload's length, 3"],
    ['subject', null, 'a string'],
    ['at', '2023-11-14', 'whole milliseconds'],
  ])('refuses %s = %s when decoding', (field, value, rule) => {
    const error = catchProtocolError(() =>
      decodeDeadLetter(plainPack({ ...letter, payloadSize: 5000, [field]: value })),
    );
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe(field);
    expect(error.message).toContain(rule);
  });
});

describe('deadLetterFor', () => {
  const input = { subject: 'md.tick.1.X', payload: new Uint8Array(5000).fill(1), at };

  it('takes the reason and subject from a ProtocolError', () => {
    const error = new ProtocolError('oversize', 'too big', { subject: 'md.tick.2.Y' });
    const dead = deadLetterFor(error, input);
    expect(dead).toMatchObject({
      v: 1,
      reason: 'oversize',
      subject: 'md.tick.2.Y',
      detail: 'too big',
    });
    expect(dead.payload.length).toBe(deadLetterPayloadLimit);
    expect(dead.payloadSize).toBe(5000);
    expect(() => encodeDeadLetter(dead)).not.toThrow();
  });

  it('reports any other failure as processing_failed on the input subject', () => {
    expect(deadLetterFor(new TypeError('nope'), input)).toMatchObject({
      reason: 'processing_failed',
      subject: 'md.tick.1.X',
      detail: 'nope',
    });
    expect(deadLetterFor('thrown string', input).detail).toBe('thrown string');
  });
});
