import { decodePlain } from '@ballast/protocol';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { InvalidInstrumentError } from './instrumentErrors.js';
import {
  assertInstrumentSymbol,
  decodeInstrumentRecord,
  encodeInstrumentRecord,
} from './instrumentRecord.js';

const at = Date.UTC(2026, 0, 2);

describe('instrumentRecord', () => {
  it('round-trips a record as a plain MessagePack map', () => {
    const record = { symbol: 'AAPL-C-190', expiresAt: at + 60_000, addedAt: at };
    const bytes = encodeInstrumentRecord(record);
    // fixmap with 3 entries: no msgpackr record extension (0xd4..) in front.
    expect(bytes[0]).toBe(0x83);
    expect(decodePlain(bytes)).toEqual(record);
    expect(decodeInstrumentRecord(bytes, 'AAPL-C-190')).toEqual(record);
    expect(decodeInstrumentRecord(encodeInstrumentRecord({ ...record, expiresAt: null }))).toEqual({
      ...record,
      expiresAt: null,
    });
  });

  it('decodes what another MessagePack writer produced', () => {
    // msgpackr's default writer, as a CLI or script might use it.
    expect(decodeInstrumentRecord(pack({ symbol: 'BTC', addedAt: at }), 'BTC')).toEqual({
      symbol: 'BTC',
      expiresAt: null,
      addedAt: at,
    });
  });

  it.each([
    [
      'a symbol that is not its key',
      pack({ symbol: 'ETH', expiresAt: null, addedAt: at }),
      /KV key/,
    ],
    [
      'an unknown field',
      pack({ symbol: 'BTC', expiresAt: null, addedAt: at, x: 1 }),
      /no such field/,
    ],
    [
      'seconds instead of ms',
      pack({ symbol: 'BTC', expiresAt: null, addedAt: 1_767_312_000 }),
      /addedAt/,
    ],
    ['a string expiry', pack({ symbol: 'BTC', expiresAt: 'tomorrow', addedAt: at }), /expiresAt/],
    ['not a map', pack([1, 2, 3]), /a map/],
    [
      'truncated bytes',
      pack({ symbol: 'BTC', expiresAt: null, addedAt: at }).slice(0, 6),
      /MessagePack/,
    ],
    [
      'trailing bytes',
      new Uint8Array([...pack({ symbol: 'BTC', addedAt: at }), 0x01]),
      /not one MessagePack value/,
    ],
    ['an oversize value', new Uint8Array(2_000), /at most 1024 bytes/],
  ])('refuses %s with an InvalidInstrumentError naming it', (_name, bytes, message) => {
    let error: unknown;
    try {
      decodeInstrumentRecord(bytes, 'BTC');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInstrumentError);
    expect((error as Error).message).toMatch(message);
    expect((error as InvalidInstrumentError).key).toBe('BTC');
  });

  it('accepts only symbols that are both subject tokens and KV keys', () => {
    for (const ok of ['AAPL', 'BRK-B', 'EUR/USD', 'ES=F', 'btc_usdt']) {
      expect(() => assertInstrumentSymbol(ok)).not.toThrow();
    }
    for (const bad of ['BRK.B', 'BTC:USD', '^GSPC', '', 'A B', 'X*', 'x'.repeat(65)]) {
      expect(() => assertInstrumentSymbol(bad)).toThrow(InvalidInstrumentError);
    }
    expect(() =>
      encodeInstrumentRecord({ symbol: 'BTC:USD', expiresAt: null, addedAt: at }),
    ).toThrow(/BTC-USD/);
  });
});
