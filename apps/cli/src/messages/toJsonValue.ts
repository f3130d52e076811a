/** Deeper nesting than this is cut: a decoded value is rendered recursively. */
const maxDepth = 256;

/**
 * A decoded MessagePack value made safe for `JSON.stringify` without losing what it holds:
 * byte strings (`Uint8Array`, `Buffer`) become base64 strings, `bigint` a decimal string,
 * `Date` (the MessagePack timestamp extension) an ISO string, `NaN`/`±Infinity` their names
 * (JSON would print `null`), and `undefined` `null`. Keys such as `__proto__` stay own
 * properties. Nesting past 256 levels is replaced by a marker string.
 *
 * @example
 * toJsonValue({ id: new Uint8Array([1, 2, 3]), n: 10n }); // { id: 'AQID', n: '10' }
 */
export function toJsonValue(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (depth >= maxDepth) return `[nested deeper than ${maxDepth} levels]`;
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1));
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v, depth + 1)]));
  }
  // Object.fromEntries defines own properties, so a "__proto__" key cannot reach a prototype.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v, depth + 1)]));
}
