import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../test/catchProtocolError.js';
import { hex } from '../test/fixtures.js';
import { decodeSnapshot, defaultSnapshotMaxBytes, encodeSnapshot } from './snapshot.js';

describe('encodeSnapshot / decodeSnapshot', () => {
  it('round-trips typed arrays with their exact types and values', () => {
    const state = {
      seq: 12_345,
      closes: new Float64Array([187.25, Number.NaN, -0, 1e-300]),
      volumes: new Float32Array([1.5, 2.25]),
      counts: new Int32Array([1, -2, 2 ** 31 - 1]),
      flags: new Uint8Array([0, 1, 255]),
      big: new BigInt64Array([-(2n ** 63n)]),
    };
    const decoded = decodeSnapshot(encodeSnapshot(state)) as typeof state;
    expect(decoded.closes).toBeInstanceOf(Float64Array);
    expect(decoded.volumes).toBeInstanceOf(Float32Array);
    expect(decoded.counts).toBeInstanceOf(Int32Array);
    expect(decoded.flags).toBeInstanceOf(Uint8Array);
    expect(decoded.big).toBeInstanceOf(BigInt64Array);
    expect(decoded).toEqual(state);
    expect(Object.is(decoded.closes[2], -0)).toBe(true);
  });

  it('stores a Float64Array as its raw bytes (8 per value plus a small header)', () => {
    const closes = new Float64Array(1440).fill(187.25);
    const bytes = encodeSnapshot(closes);
    expect(bytes.length).toBeLessThan(1440 * 8 + 16);
    expect(hex(bytes.subarray(0, 1))).toBe('c8'); // ext16, not a MessagePack array of floats
  });

  it('round-trips Map, Set, Date, BigInt and repeated object shapes', () => {
    const state = {
      byTf: new Map([['1m', { open: 1, close: 2 }]]),
      symbols: new Set(['AAPL', 'MSFT']),
      at: new Date(1_700_000_000_123),
      big: 2n ** 70n,
      candles: [
        { open: 1, close: 2 },
        { open: 3, close: 4 },
      ],
    };
    expect(decodeSnapshot(encodeSnapshot(state))).toEqual(state);
  });

  it('writes self-contained snapshots: each decodes alone, in any order', () => {
    const a = encodeSnapshot({ shape: 'a', list: [{ x: 1 }, { x: 2 }] });
    const b = encodeSnapshot({ other: 'b', list: [{ y: 1 }] });
    expect(decodeSnapshot(b)).toEqual({ other: 'b', list: [{ y: 1 }] });
    expect(decodeSnapshot(a)).toEqual({ shape: 'a', list: [{ x: 1 }, { x: 2 }] });
  });

  it('refuses a snapshot over maxBytes and bytes that do not decode', () => {
    const bytes = encodeSnapshot({ closes: new Float64Array(100) });
    expect(catchProtocolError(() => decodeSnapshot(bytes, { maxBytes: 100 })).code).toBe(
      'oversize',
    );
    const huge = new Uint8Array(defaultSnapshotMaxBytes + 1);
    expect(catchProtocolError(() => decodeSnapshot(huge)).code).toBe('oversize');
    expect(catchProtocolError(() => decodeSnapshot(new Uint8Array([0xc7]))).code).toBe(
      'decode_failed',
    );
    expect(catchProtocolError(() => decodeSnapshot(bytes.subarray(0, 10))).code).toBe(
      'decode_failed',
    );
  });

  it('refuses state it cannot encode', () => {
    const error = catchProtocolError(() => encodeSnapshot({ s: Symbol('x') }));
    expect(error.code).toBe('schema_violation');
  });
});
