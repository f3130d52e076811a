import { Packr } from 'msgpackr';

// The same settings as @ballast/protocol's wire codec (design invariant I5: plain MessagePack
// maps any library decodes): no record extension, no msgpackr-only types, 64-bit integers
// written by other libraries read back as numbers (and then fail safe-integer checks instead of
// becoming BigInts). Runtime records (instrument registry values, sink replies) are not
// protocol messages, but tools in other languages read them too.
const plain = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  structuredClone: false,
  encodeUndefinedAsNil: true,
  int64AsType: 'number',
  copyBuffers: true,
});

/**
 * Encodes a value as plain MessagePack (maps as maps, no extensions).
 *
 * @example
 * kv.put(symbol, packPlain({ symbol, expiresAt: null, addedAt: Date.now() }));
 */
export function packPlain(value: unknown): Uint8Array {
  return plain.pack(value);
}

/**
 * Decodes exactly one plain MessagePack value; throws what msgpackr throws (truncated input,
 * trailing bytes, unknown extensions). The value is not validated: the caller checks its shape.
 *
 * @example
 * const value = unpackPlain(entry.value); // unknown: validate before use
 */
export function unpackPlain(bytes: Uint8Array): unknown {
  // unpackMultiple would accept trailing values; a record is exactly one value.
  const values = plain.unpackMultiple(bytes) as unknown[];
  if (values.length !== 1) {
    throw new Error(`expected exactly one MessagePack value, found ${values.length}`);
  }
  return values[0];
}
