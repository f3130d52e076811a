import { describe, expect, it } from 'vitest';
import { aliasTable } from './aliasTable.js';
import { SeededRandom } from './SeededRandom.js';

describe('aliasTable', () => {
  it('picks each index in proportion to its weight', () => {
    const weights = [1, 0, 3, 6, 0.5];
    const table = aliasTable(weights);
    const random = new SeededRandom(3);
    const counts = new Array<number>(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const k = table.pick(random.next());
      counts[k] = (counts[k] as number) + 1;
    }
    const total = weights.reduce((s, w) => s + w, 0);
    for (const [i, w] of weights.entries()) {
      expect(Math.abs((counts[i] as number) / n - w / total)).toBeLessThan(0.005);
    }
    expect(counts[1]).toBe(0);
  });

  it('refuses no weights, negative or non-finite ones, and all zero', () => {
    expect(() => aliasTable([])).toThrow(RangeError);
    expect(() => aliasTable([1, -1])).toThrow(/weight 1/);
    expect(() => aliasTable([1, Number.NaN])).toThrow(/weight 1/);
    expect(() => aliasTable([0, 0])).toThrow(RangeError);
  });
});

describe('SeededRandom', () => {
  it('repeats its sequence per seed, differs across seeds, and gives standard normals', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    const c = new SeededRandom(2);
    const seqA = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.uint32())).not.toEqual(seqA);
    const random = new SeededRandom(9);
    let sum = 0;
    let squares = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.02);
  });
});
