/** Bounds of a {@link jsonSafe} copy. */
export interface JsonSafeLimits {
  /** Nesting levels copied; deeper values become `"[object]"` / `"[array]"`. */
  readonly depth: number;
  /** Keys copied per object (and entries per Map). */
  readonly keys: number;
  /** Items copied per array (and per Set). */
  readonly items: number;
  /** Characters kept per string. */
  readonly chars: number;
}

/**
 * A bounded, JSON- and MessagePack-safe copy of any value, for inspection events: functions
 * become `{ type: name }` (as the Stately inspector's own serializer writes them), typed arrays
 * `{ typedArray, length }` (a symbol's candle windows must never travel), Maps objects, Sets
 * arrays, errors `{ name, message }`, cycles `"[circular]"`, non-finite numbers `null`; objects
 * with `toJSON` (XState snapshots and actor refs) are copied through it. Every level is cut at
 * the limits, so the copy's size is bounded whatever the input.
 *
 * @example
 * jsonSafe({ f() {}, xs: new Float64Array(1440) }, { depth: 4, keys: 32, items: 16, chars: 256 });
 * // { f: { type: 'f' }, xs: { typedArray: 'Float64Array', length: 1440 } }
 */
export function jsonSafe(value: unknown, limits: JsonSafeLimits): unknown {
  return copy(value, limits, limits.depth, new Set());
}

function copy(value: unknown, limits: JsonSafeLimits, depth: number, path: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return value.length > limits.chars ? `${value.slice(0, limits.chars)}…` : value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
      return { type: value.name || 'anonymous' };
    case 'undefined':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    const length = (object as { length?: number }).length ?? object.byteLength;
    return { typedArray: object.constructor.name, length };
  }
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
  if (object instanceof Error) {
    return { name: object.name, message: copy(object.message, limits, 0, path) };
  }
  if (path.has(object)) return '[circular]';
  if (depth <= 0) return Array.isArray(object) ? '[array]' : '[object]';
  path.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) {
      return copyItems(object, limits, depth, path);
    }
    if (object instanceof Map)
      return copyEntries(object.entries(), object.size, limits, depth, path);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(object);
      // Same object back (or another with toJSON) would loop: copy its own keys then.
      if (json !== object && (typeof json !== 'object' || json === null || !('toJSON' in json))) {
        return copy(json, limits, depth, path);
      }
    }
    const keys = Object.keys(object);
    return copyEntries(
      keys.map((k) => [k, (object as Record<string, unknown>)[k]] as const),
      keys.length,
      limits,
      depth,
      path,
    );
  } finally {
    path.delete(object);
  }
}

function copyItems(
  items: readonly unknown[] | ReadonlySet<unknown>,
  limits: JsonSafeLimits,
  depth: number,
  path: Set<object>,
): unknown[] {
  const out: unknown[] = [];
  const total = Array.isArray(items) ? items.length : (items as ReadonlySet<unknown>).size;
  for (const item of items) {
    if (out.length >= limits.items) {
      out.push(`… ${total - limits.items} more`);
      break;
    }
    const copied = copy(item, limits, depth - 1, path);
    out.push(copied === undefined ? null : copied);
  }
  return out;
}

function copyEntries(
  entries: Iterable<readonly [unknown, unknown]>,
  total: number,
  limits: JsonSafeLimits,
  depth: number,
  path: Set<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, item] of entries) {
    if (n >= limits.keys) {
      out['…'] = `${total - limits.keys} more keys`;
      break;
    }
    n++;
    const copied = copy(item, limits, depth - 1, path);
    if (copied !== undefined) out[String(key)] = copied;
  }
  return out;
}
