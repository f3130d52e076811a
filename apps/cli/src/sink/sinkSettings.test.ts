import { encodePlain } from '@ballast/protocol';
import { describe, expect, it } from 'vitest';
import { parseSinkFaultsPatch } from './sinkSettings.js';

/** `{a: {a: … null}}` (or `[[… null]]`) `depth` levels deep, as raw MessagePack. */
function nested(depth: number, map: boolean): Uint8Array {
  const level = map ? [0x81, 0xa1, 0x61] : [0x91];
  const bytes = new Uint8Array(depth * level.length + 1);
  for (let d = 0; d < depth; d++) bytes.set(level, d * level.length);
  bytes[bytes.length - 1] = 0xc0;
  return bytes;
}

describe('parseSinkFaultsPatch', () => {
  it('accepts a patch and reads an empty body as "no change"', () => {
    expect(parseSinkFaultsPatch(encodePlain({ down: true }))).toEqual({
      ok: true,
      patch: { down: true },
    });
    expect(parseSinkFaultsPatch(new Uint8Array())).toEqual({ ok: true, patch: {} });
  });

  it('refuses, never throws, at every nesting depth (some decode but overflow validation)', () => {
    // The window where msgpackr decodes but validating or printing overflows the stack
    // depends on the stack size, so the whole range is swept.
    for (let depth = 100; depth <= 6_000; depth += 50) {
      for (const map of [true, false]) {
        const result = parseSinkFaultsPatch(nested(depth, map));
        expect(result.ok, `depth ${depth}`).toBe(false);
      }
    }
  });

  it('echoes at most a bounded prefix of a refused request', () => {
    const result = parseSinkFaultsPatch(encodePlain({ down: 'x'.repeat(50_000) }));
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error.length).toBeLessThan(1_000);
    expect(error).toMatch(/invalid ctl\.sink\.set request \{"down":"xxx.*… \(50011 chars\)/);
  });
});
