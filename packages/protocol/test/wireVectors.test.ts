import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Candle, decodeCandle, encodeCandle } from '../src/messages/candle.js';
import { type ControlMessage, decodeControl, encodeControl } from '../src/messages/control.js';
import { type DeadLetter, decodeDeadLetter, encodeDeadLetter } from '../src/messages/deadLetter.js';
import { decodeErrorEntry, type ErrorEntry, encodeErrorEntry } from '../src/messages/errorEntry.js';
import { decodeTick, encodeTick, type Tick } from '../src/messages/tick.js';
import { fromHex, hex } from './fixtures.js';

interface WireVector {
  readonly type: 'tick' | 'candle' | 'control' | 'errorEntry' | 'deadLetter';
  readonly name: string;
  readonly message: Record<string, unknown>;
  readonly hex: string;
}

// Encoded by test/vectors/make_message_vectors.py, a MessagePack encoder written from the
// spec in Python: these bytes do not come from msgpackr.
const vectors = JSON.parse(
  readFileSync(new URL('./vectors/messages.hex.json', import.meta.url), 'utf8'),
) as WireVector[];

/** `{"$hex": "..."}` in the JSON stands for bytes. */
function revive(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    const hexValue = (value as { $hex?: unknown } | null)?.$hex;
    out[key] = typeof hexValue === 'string' ? fromHex(hexValue) : value;
  }
  return out;
}

type Message = Record<string, unknown>;

// The JSON holds untyped maps; each codec is the check that they are valid messages.
const codecs: Record<
  WireVector['type'],
  { encode: (m: Message) => Uint8Array; decode: (b: Uint8Array) => unknown }
> = {
  tick: { encode: (m) => encodeTick(m as unknown as Tick), decode: decodeTick },
  candle: { encode: (m) => encodeCandle(m as unknown as Candle), decode: decodeCandle },
  control: { encode: (m) => encodeControl(m as unknown as ControlMessage), decode: decodeControl },
  errorEntry: {
    encode: (m) => encodeErrorEntry(m as unknown as ErrorEntry),
    decode: decodeErrorEntry,
  },
  deadLetter: {
    encode: (m) => encodeDeadLetter(m as unknown as DeadLetter),
    decode: decodeDeadLetter,
  },
};

describe('wire vectors', () => {
  it('cover every message type', () => {
    expect(new Set(vectors.map((v) => v.type))).toEqual(new Set(Object.keys(codecs)));
  });

  it.each(vectors.map((v) => [v.name, v] as const))('encodes %s to the spec bytes', (_, vector) => {
    expect(hex(codecs[vector.type].encode(revive(vector.message)))).toBe(vector.hex);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('decodes the spec bytes of %s', (_, vector) => {
    const decoded = codecs[vector.type].decode(fromHex(vector.hex)) as Record<string, unknown>;
    const expected = revive(vector.message);
    const normalised = Object.fromEntries(
      Object.entries(decoded).map(([k, v]) => [k, v instanceof Uint8Array ? new Uint8Array(v) : v]),
    );
    expect(normalised).toEqual(expected);
    expect(Object.keys(decoded)).toEqual(Object.keys(expected));
  });
});
