/** Deeper values are cut: a reply from the network must not blow the stack. */
const maxDepth = 32;

/**
 * A decoded MessagePack value as something `JSON.stringify` renders faithfully: byte arrays
 * become `{ bytes, hex }` previews (64 bytes), bigints numbers, maps objects, non-finite
 * numbers null, and anything nested deeper than 32 levels the string `'…'`.
 *
 * @example
 * JSON.stringify(jsonSafe(decodeQuery(msg.data)));
 */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return null;
  }
  if (depth >= maxDepth) return '…';
  if (value instanceof Uint8Array) return { bytes: value.length, hex: hexPreview(value) };
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonSafe(v, depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as object)) out[k] = jsonSafe(v, depth + 1);
  return out;
}

/**
 * The first `max` bytes as hex, with `…` when there were more.
 *
 * @example
 * hexPreview(new Uint8Array([1, 255])); // '01ff'
 */
export function hexPreview(bytes: Uint8Array, max = 64): string {
  const shown = bytes.subarray(0, max);
  let hex = '';
  for (const b of shown) hex += b.toString(16).padStart(2, '0');
  return bytes.length > max ? `${hex}…` : hex;
}
