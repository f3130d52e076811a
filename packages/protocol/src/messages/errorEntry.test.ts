import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { errorEntry, plainPack } from '../../test/fixtures.js';
import { maxLabelLength, maxTextLength } from '../validate.js';
import { decodeErrorEntry, encodeErrorEntry } from './errorEntry.js';

describe('encodeErrorEntry / decodeErrorEntry', () => {
  it('round-trips an entry with and without state and cause', () => {
    expect(decodeErrorEntry(encodeErrorEntry(errorEntry))).toEqual(errorEntry);
    const { state: _s, cause: _c, ...bare } = errorEntry;
    expect(decodeErrorEntry(encodeErrorEntry(bare))).toEqual(bare);
  });

  it('cuts over-long texts when encoding instead of failing the report', () => {
    const long = { ...errorEntry, source: 's'.repeat(1000), message: 'm'.repeat(10_000) };
    const decoded = decodeErrorEntry(encodeErrorEntry(long));
    expect(decoded.source).toBe('s'.repeat(maxLabelLength));
    expect(decoded.message).toBe('m'.repeat(maxTextLength));
  });

  it('never cuts inside a surrogate pair', () => {
    const message = `${'m'.repeat(maxTextLength - 1)}😀tail`;
    const decoded = decodeErrorEntry(encodeErrorEntry({ ...errorEntry, message }));
    expect(decoded.message).toBe('m'.repeat(maxTextLength - 1));
  });

  it.each([
    ['source', '', 'a non-empty string'],
    ['kind', 5, 'a non-empty string'],
    ['code', 'c'.repeat(maxLabelLength + 1), `at most ${maxLabelLength}`],
    ['message', 'm'.repeat(maxTextLength + 1), `at most ${maxTextLength}`],
    ['state', 42, 'a string'],
    ['cause', true, 'a string'],
    ['at', Number.NaN, 'got NaN'],
    ['stack', 'x', 'unknown field'],
  ])('refuses %s = %j when decoding', (field, value, rule) => {
    const error = catchProtocolError(() =>
      decodeErrorEntry(plainPack({ ...errorEntry, [field]: value })),
    );
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe(field);
    expect(error.message).toContain(rule);
  });

  it('still refuses an empty label when encoding', () => {
    expect(catchProtocolError(() => encodeErrorEntry({ ...errorEntry, kind: '' })).field).toBe(
      'kind',
    );
  });
});
