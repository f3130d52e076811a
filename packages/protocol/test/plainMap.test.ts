import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCandle } from '../src/messages/candle.js';
import { encodeControl } from '../src/messages/control.js';
import { encodeDeadLetter } from '../src/messages/deadLetter.js';
import { encodeErrorEntry } from '../src/messages/errorEntry.js';
import { decodeTick, encodeTick } from '../src/messages/tick.js';
import { at, candle, errorEntry, fromHex, tick } from './fixtures.js';

/**
 * Walks one MessagePack value and returns the offset after it, failing on anything but
 * the plain types the wire format allows: maps with string keys, strings, integers,
 * floats, booleans, nil, bin. Any extension (msgpackr records are fixext 0xd4 0x72 and
 * record ids 0x40-0x7f inside structures; typed arrays and the like are ext types) or
 * array makes it throw. Written from the spec, independent of msgpackr.
 */
function walkPlain(bytes: Uint8Array, offset: number, depth: number, keyOnly = false): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b = bytes[offset];
  if (b === undefined) throw new Error(`truncated at ${offset}`);
  const str = (len: number, head: number) => offset + head + len;
  if (b >= 0xa0 && b <= 0xbf) return str(b & 0x1f, 1);
  if (b === 0xd9) return str(view.getUint8(offset + 1), 2);
  if (b === 0xda) return str(view.getUint16(offset + 1), 3);
  if (keyOnly) throw new Error(`map key at ${offset} is not a string (0x${b.toString(16)})`);
  if (b <= 0x7f || b >= 0xe0) return offset + 1; // fixints
  const fixed: Record<number, number> = {
    192: 1,
    194: 1,
    195: 1,
    204: 2,
    205: 3,
    206: 5,
    207: 9,
    208: 2,
    209: 3,
    210: 5,
    211: 9,
    202: 5,
    203: 9,
  };
  const size = fixed[b];
  if (size !== undefined) return offset + size;
  if (b === 0xc4) return offset + 2 + view.getUint8(offset + 1);
  if (b === 0xc5) return offset + 3 + view.getUint16(offset + 1);
  let entries: number;
  let pos: number;
  if (b >= 0x80 && b <= 0x8f) [entries, pos] = [b & 0x0f, offset + 1];
  else if (b === 0xde) [entries, pos] = [view.getUint16(offset + 1), offset + 3];
  else
    throw new Error(
      `byte 0x${b.toString(16)} at ${offset} is not a plain map/str/number/bool/nil/bin`,
    );
  if (depth > 2) throw new Error('nesting too deep for a message');
  for (let i = 0; i < entries; i++) {
    pos = walkPlain(bytes, pos, depth + 1, true);
    pos = walkPlain(bytes, pos, depth + 1);
  }
  return pos;
}

function assertPlainMap(bytes: Uint8Array): void {
  const first = bytes[0] ?? 0;
  expect(first >= 0x80 && first <= 0x8f, 'first byte is a fixmap').toBe(true);
  expect(walkPlain(bytes, 0, 0)).toBe(bytes.length);
}

describe('wire messages are plain MessagePack maps', () => {
  it('encodes every message type as one fixmap of plain values', () => {
    assertPlainMap(encodeTick(tick));
    assertPlainMap(encodeTick({ ...tick, openInterest: 5, sourceSeq: 2 ** 40 }));
    assertPlainMap(encodeCandle(candle));
    assertPlainMap(encodeControl({ v: 1, type: 'inspect', enabled: true, worker: 'w1', at }));
    assertPlainMap(encodeErrorEntry(errorEntry));
    assertPlainMap(
      encodeDeadLetter({
        v: 1,
        reason: 'oversize',
        subject: 'md.tick.1.X',
        detail: 'too big',
        at,
        payload: new Uint8Array(300),
        payloadSize: 70_000,
      }),
    );
  });

  it('keeps encoding plain maps for many ticks in a row (no records kick in)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: 1e9, noNaN: true }), fc.nat(), (price, seq) => {
        assertPlainMap(encodeTick({ ...tick, price, sourceSeq: seq }));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a tick written by hand the way another library might write it', () => {
    // map16 header, keys out of schema order, str8 keys, uint64 timestamp, float32 size,
    // int64 sequence number: all valid MessagePack that msgpackr itself would not produce.
    const bytes = fromHex(
      `
      de 0007
      d9 06 736f75726365      a5 62796269 74                    # "source": "bybit"
      a1 76                   01                                # "v": 1
      a6 73796d626f6c         a7 4254432d555344                 # "symbol": "BTC-USD"
      a5 7072696365           cb 40e51e9000000000               # "price": 43252.5 (float64)
      a4 73697a65             ca 3f400000                       # "size": 0.75 (float32)
      a2 7473                 cf 0000018bcfe5687b               # "ts": 1700000000123 (uint64)
      a9 736f75726365536571   d3 0000000000000007               # "sourceSeq": 7 (int64)
    `.replace(/#[^\n]*/g, ''),
    );
    expect(decodeTick(bytes)).toEqual({
      v: 1,
      symbol: 'BTC-USD',
      price: 43252.5,
      size: 0.75,
      ts: 1_700_000_000_123,
      source: 'bybit',
      sourceSeq: 7,
    });
  });
});
