import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { plainPack, tick } from '../../test/fixtures.js';
import { maxTimestamp, minTimestamp } from '../validate.js';
import { decodeTick, encodeTick, tickMessageId } from './tick.js';

const subject = 'md.tick.11.AAPL';

function decodeWith(changes: Record<string, unknown>) {
  return catchProtocolError(() => decodeTick(plainPack({ ...tick, ...changes }), { subject }));
}

describe('encodeTick / decodeTick', () => {
  it('round-trips a tick with and without open interest', () => {
    expect(decodeTick(encodeTick(tick))).toEqual(tick);
    const withOi = { ...tick, openInterest: 81_234.25 };
    expect(decodeTick(encodeTick(withOi))).toEqual(withOi);
  });

  it('round-trips extreme valid values exactly', () => {
    const edge = {
      ...tick,
      price: Number.MIN_VALUE,
      size: Number.MAX_VALUE,
      ts: maxTimestamp - 1,
      sourceSeq: Number.MAX_SAFE_INTEGER,
      openInterest: 0,
    };
    expect(decodeTick(encodeTick(edge))).toEqual(edge);
    expect(decodeTick(encodeTick({ ...tick, ts: minTimestamp })).ts).toBe(minTimestamp);
  });

  it('treats a nil openInterest as absent', () => {
    const decoded = decodeTick(plainPack({ ...tick, openInterest: null }));
    expect(decoded).toEqual(tick);
    expect('openInterest' in decoded).toBe(false);
  });

  it('drops extra properties when encoding and writes fields in schema order', () => {
    const extra = { ...tick, note: 'x' } as typeof tick;
    const decoded = decodeTick(encodeTick(extra));
    expect(Object.keys(decoded)).toEqual([
      'v',
      'symbol',
      'price',
      'size',
      'ts',
      'source',
      'sourceSeq',
    ]);
  });

  it.each([
    ['price', 0, 'a finite number > 0'],
    ['price', -1, 'a finite number > 0'],
    ['price', Number.NaN, 'got NaN'],
    ['price', Number.POSITIVE_INFINITY, 'got Infinity'],
    ['price', '187.25', 'got "187.25"'],
    ['size', -0.5, 'a finite number >= 0'],
    ['size', Number.NaN, 'got NaN'],
    ['ts', 1_700_000_000, 'between 2000-01-01 and 2100-01-01'],
    ['ts', 1_700_000_000_000_000, 'between 2000-01-01 and 2100-01-01'],
    ['ts', 1_700_000_000_123.5, 'whole milliseconds'],
    ['ts', maxTimestamp, 'got 4102444800000'],
    ['sourceSeq', -1, 'an integer from 0 to 2^53 - 1'],
    ['sourceSeq', 1.5, 'an integer from 0'],
    ['sourceSeq', 2 ** 53, 'an integer from 0'],
    ['symbol', 'BRK.B', "must not contain '.'"],
    ['symbol', '', 'must not be empty'],
    ['symbol', 42, 'must be a string'],
    ['source', 'a b', 'whitespace'],
    ['openInterest', -1, 'a finite number >= 0'],
    ['openInterest', Number.NaN, 'got NaN'],
  ])('refuses %s = %s when decoding and encoding', (field, value, rule) => {
    const error = decodeWith({ [field]: value });
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe(field);
    expect(error.subject).toBe(subject);
    expect(error.message).toContain(`Tick.${field}`);
    expect(error.message).toContain(rule);
    expect(error.message).toContain(subject);
    const onEncode = catchProtocolError(() => encodeTick({ ...tick, [field]: value }));
    expect(onEncode.code).toBe('schema_violation');
    expect(onEncode.field).toBe(field);
  });

  it.each(['symbol', 'price', 'size', 'ts', 'source', 'sourceSeq'])(
    'refuses a tick without %s',
    (field) => {
      const { [field as keyof typeof tick]: _, ...rest } = tick;
      const error = catchProtocolError(() => decodeTick(plainPack(rest)));
      expect(error.code).toBe('schema_violation');
      expect(error.field).toBe(field);
      expect(error.message).toContain('is missing');
    },
  );

  it('refuses an unknown field, naming it', () => {
    const error = decodeWith({ openIntrest: 5 });
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe('openIntrest');
    expect(error.message).toContain('unknown field "openIntrest"');
  });

  it('refuses an unknown field next to openInterest, or next to a nil one', () => {
    expect(decodeWith({ openInterest: 5, bid: 187.2 }).field).toBe('bid');
    expect(decodeWith({ openInterest: null, bid: 187.2 }).field).toBe('bid');
  });

  it('refuses an unknown schema version before anything else', () => {
    const error = decodeWith({ v: 2, price: -1 });
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe('v');
    expect(error.message).toContain('unknown schema version');
    const missing = catchProtocolError(() => decodeTick(plainPack({ ...tick, v: undefined })));
    expect(missing.field).toBe('v');
  });
});

describe('tickMessageId', () => {
  it('joins source and sequence number', () => {
    expect(tickMessageId(tick)).toBe('nasdaq:42');
  });
});
