/**
 * Deepest nesting of maps and arrays a wire decoder accepts. Ballast's messages nest a few
 * levels; msgpackr decodes recursively and overflows the stack somewhere past a thousand —
 * at a depth that depends on how deep the caller's own stack already is, so the same bytes
 * failed to decode in one process and decoded (then failed validation) in another.
 */
export const maxWireDepth = 64;

/**
 * Whether a MessagePack value nests maps and arrays deeper than `maxDepth`, found by walking
 * the headers without recursion (an empty map or array counts as a level). Truncated or
 * malformed input answers `false`: the decoder then reports it in its own words. It runs
 * before every wire decode, so it allocates nothing: the counts of open containers live in
 * one scratch array shared by every call (the walk is synchronous, so calls never overlap).
 *
 * @example
 * nestedDeeperThan(Uint8Array.of(0x91, 0x91, 0xc0), 1); // true: an array in an array
 * nestedDeeperThan(encodeTick(tick), maxWireDepth); // false
 */
export function nestedDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  // Items still to read in each open container (open[0..depth-1]); the root holds one value.
  // Past maxDepth + 1 open containers the answer is known, so that many slots suffice.
  if (scratch.length < maxDepth + 2) scratch = new Float64Array(maxDepth + 2);
  const open = scratch;
  open[0] = 1;
  let depth = 1;
  const end = bytes.length;
  let pos = 0;
  while (depth > 0) {
    if (pos >= end) return false;
    const b = bytes[pos++] as number;
    open[depth - 1] = (open[depth - 1] as number) - 1;
    let items = -1; // -1: not a container
    if (b <= 0x7f || b >= 0xe0) {
      // fixint
    } else if (b <= 0x8f) items = 2 * (b & 0x0f);
    else if (b <= 0x9f) items = b & 0x0f;
    else if (b <= 0xbf) pos += b & 0x1f;
    else {
      const width = lengthWidth[b - 0xc0] as number;
      if (width < 0) return false; // 0xc1, never used
      if (pos + width > end) return false;
      const n = readUint(bytes, pos, width);
      pos += width;
      const kind = b >= 0xdc ? 'container' : width > 0 ? 'length' : 'fixed';
      if (kind === 'container') items = b >= 0xde ? 2 * n : n;
      else if (kind === 'length') pos += n + (b >= 0xc7 && b <= 0xc9 ? 1 : 0);
      else pos += fixedSize[b - 0xc0] as number;
    }
    if (items < 0) {
      while (depth > 0 && open[depth - 1] === 0) depth--;
      continue;
    }
    // depth - 1 containers enclose this one.
    if (depth > maxDepth) return true;
    if (items > 0) open[depth++] = items;
    else while (depth > 0 && open[depth - 1] === 0) depth--;
  }
  return false;
}

let scratch = new Float64Array(maxWireDepth + 2);

// Per type byte 0xc0..0xdf: bytes of the length or count that follows (-1: never used), and
// for the fixed-size types the payload bytes after the type byte.
// biome-ignore format: one row per 8 type bytes
const lengthWidth = Int8Array.from([
  0, -1, 0, 0, 1, 2, 4, 1, // c0 nil, c1, false, true, bin8/16/32, ext8
  2, 4, 0, 0, 0, 0, 0, 0, // ext16/32, float32/64, uint8/16/32/64
  0, 0, 0, 0, 0, 0, 0, 0, // int8/16/32/64, fixext1/2/4/8
  0, 1, 2, 4, 2, 4, 2, 4, // fixext16, str8/16/32, array16/32, map16/32
]);
// biome-ignore format: one row per 8 type bytes
const fixedSize = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 4, 8, 1, 2, 4, 8,
  1, 2, 4, 8, 2, 3, 5, 9,
  17, 0, 0, 0, 0, 0, 0, 0,
]);

function readUint(bytes: Uint8Array, pos: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + (bytes[pos + i] as number);
  return v;
}
