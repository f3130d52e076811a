import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../test/catchProtocolError.js';
import { fromHex, plainPack, tick } from '../test/fixtures.js';
import { defaultMaxBytes } from './codec.js';
import { decodeTick, encodeTick } from './messages/tick.js';

const subject = 'md.tick.11.AAPL';

describe('decoders on malformed or hostile bytes', () => {
  it('refuses a payload over maxBytes before decoding it', () => {
    // Not MessagePack at all: only the size check can have produced "oversize".
    const error = catchProtocolError(() =>
      decodeTick(new Uint8Array(defaultMaxBytes + 1), { subject }),
    );
    expect(error.code).toBe('oversize');
    expect(error.subject).toBe(subject);
    expect(error.message).toContain(
      `${defaultMaxBytes + 1} bytes, over the ${defaultMaxBytes}-byte limit`,
    );
  });

  it('honours a configured maxBytes', () => {
    const bytes = encodeTick(tick);
    expect(decodeTick(bytes, { maxBytes: bytes.length })).toEqual(tick);
    expect(catchProtocolError(() => decodeTick(bytes, { maxBytes: bytes.length - 1 })).code).toBe(
      'oversize',
    );
    expect(catchProtocolError(() => decodeTick(bytes, { maxBytes: Number.NaN })).code).toBe(
      'oversize',
    );
  });

  it.each([
    ['empty input', ''],
    ['a truncated tick', '87a17601a673796d62'],
    ['trailing bytes after a value', '80 00'],
    ['the never-used byte 0xc1', 'c1'],
    ['an unknown extension', 'd4 63 00'],
    ['a str32 claiming 4 GiB', 'db ffffffff 41'],
    ['an array32 claiming 4 billion items', 'dd ffffffff 00'],
    ['a map32 claiming 4 billion entries', 'df ffffffff 00'],
    ['a msgpackr structured-clone pointer', 'd6 70 00000001'],
  ])('turns %s into decode_failed', (_, bytes) => {
    const error = catchProtocolError(() => decodeTick(fromHex(bytes), { subject }));
    expect(error.code).toBe('decode_failed');
    expect(error.subject).toBe(subject);
    expect(error.message).toContain('is not one MessagePack value');
    expect(error.cause).toBeDefined();
  });

  it('turns nesting deep enough to overflow the stack into decode_failed', () => {
    const deep = new Uint8Array(defaultMaxBytes).fill(0x91); // [[[[...]]]]
    deep[deep.length - 1] = 0x00;
    expect(catchProtocolError(() => decodeTick(deep)).code).toBe('decode_failed');
    // msgpackr's shared decoder state survives the overflow.
    expect(decodeTick(encodeTick(tick))).toEqual(tick);
  });

  it.each([
    ['an array', [1, 2, 3]],
    ['a number', 42],
    ['a string', 'tick'],
    ['nil', null],
    ['a boolean', true],
    ['bytes', new Uint8Array([1, 2])],
  ])('turns %s at the top level into schema_violation', (what, value) => {
    const error = catchProtocolError(() => decodeTick(plainPack(value), { subject }));
    expect(error.code).toBe('schema_violation');
    expect(error.message).toContain('must be a MessagePack map');
    expect(what).toBeTruthy();
  });

  it('refuses a map with thousands of keys', () => {
    const wide: Record<string, unknown> = { ...tick };
    for (let i = 0; i < 5000; i++) wide[`k${i}`] = i;
    const error = catchProtocolError(() => decodeTick(plainPack(wide)));
    expect(error.code).toBe('schema_violation');
    expect(error.message).toContain('5007 fields in all');
  });

  it('refuses a huge string field without quoting all of it', () => {
    const error = catchProtocolError(() =>
      decodeTick(plainPack({ ...tick, symbol: 'S'.repeat(60_000) })),
    );
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe('symbol');
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses msgpackr records and extension values where a field is expected', () => {
    // A record definition (d4 72 40) for keys [v] then one record: valid msgpackr, not a plain map.
    const record = fromHex('d4 72 40 91 a1 76 01');
    expect(catchProtocolError(() => decodeTick(record)).code).toBe('schema_violation');
    const dated = plainPack({ ...tick, ts: new Date(tick.ts) });
    const error = catchProtocolError(() => decodeTick(dated));
    expect(error.field).toBe('ts');
    expect(error.message).toContain('got a Date');
  });

  it('refuses a __proto__ key instead of letting it set a prototype', () => {
    // {"__proto__": {"price": 5}} written by hand: msgpackr renames the key, we refuse it.
    const bytes = fromHex('81 a9 5f5f70726f746f5f5f 81 a5 7072696365 05');
    expect(catchProtocolError(() => decodeTick(bytes)).code).toBe('schema_violation');
    expect(({} as Record<string, unknown>).price).toBeUndefined();
  });

  it('refuses input that is not a Uint8Array', () => {
    const error = catchProtocolError(() => decodeTick('87a1' as unknown as Uint8Array));
    expect(error.code).toBe('decode_failed');
  });
});
