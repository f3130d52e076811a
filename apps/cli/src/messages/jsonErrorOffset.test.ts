import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from './jsonErrorOffset.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// V8 names the position for some mistakes; where it does, the scanner must agree.
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match ? Number(match[1]) : undefined;
  }
  return undefined;
}

// Valid JSON with one character dropped, replaced or inserted: mostly invalid, near misses.
const mutatedJson = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom('drop', 'replace', 'insert'),
    fc.constantFrom(...'{}[]:,"\\ 0123456789.-+eEtrufalsn\n\tx'.split('')),
  )
  .map(([json, at, op, char]) => {
    const i = json.length === 0 ? 0 : at % json.length;
    if (op === 'drop') return json.slice(0, i) + json.slice(i + 1);
    if (op === 'replace') return json.slice(0, i) + char + json.slice(i + 1);
    return json.slice(0, i) + char + json.slice(i);
  });

describe('jsonErrorOffset', () => {
  it('finds the offending character of common mistakes', () => {
    expect(jsonErrorOffset('{"a":}')).toBe(5);
    expect(jsonErrorOffset('[1,2,]')).toBe(5);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('{\n  "a": 1,\n  b: 2}')).toBe(14);
    expect(jsonErrorOffset('tru')).toBe(3);
    expect(jsonErrorOffset('fa1se')).toBe(2);
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('{"a":1} x')).toBe(8);
    expect(jsonErrorOffset('"a\\qb"')).toBe(3);
    expect(jsonErrorOffset('-]')).toBe(1);
    expect(jsonErrorOffset('[1.]')).toBe(3);
    expect(jsonErrorOffset('01')).toBe(1);
  });

  it('says -1 for valid JSON, including empty containers and deep nesting', () => {
    for (const text of ['{}', '[]', ' [ ] ', '{"a":[{},[],"x",-1.5e3,true,null]}', '"\\u00e9"']) {
      expect(jsonErrorOffset(text)).toBe(-1);
    }
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonErrorOffset(deep)).toBe(-1);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}`)).toBe(100_000);
  });

  it('agrees with JSON.parse on valid and near-valid text, and with V8 where it names a position', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutatedJson, fc.string()), (text) => {
        const offset = jsonErrorOffset(text);
        expect(offset === -1).toBe(parses(text));
        const position = v8Position(text);
        if (position !== undefined) expect(offset).toBe(position);
      }),
      { numRuns: 20_000 },
    );
  });
});
